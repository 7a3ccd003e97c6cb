package kv.server;

import java.io.IOException;
import java.nio.file.Path;

import kv.server.testing.KvServerProcess;
import kv.server.testing.TestCertificates;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of the tests that run the server with a plain port and a TLS port in their own Spring
 * context: certificates made for the class, client certificates required (Redis's default).
 */
abstract class TlsServerTest extends RunningServerTest {

    @TempDir
    static Path certDir;

    static TestCertificates certs;
    static int plainPort;
    static int tlsPort;

    @DynamicPropertySource
    static void tls(DynamicPropertyRegistry registry) throws IOException {
        certs = TestCertificates.createIn(certDir);
        plainPort = KvServerProcess.freePort();
        tlsPort = KvServerProcess.freePort();
        certs.registerServerTls(registry, plainPort, tlsPort);
    }
}
