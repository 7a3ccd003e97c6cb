package kv.server;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import kv.server.testing.KvServerProcess;
import kv.server.testing.TestCertificates;
import kv.server.testing.TlsClients;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code kv.server.tls-auth-clients=optional}: a client without a certificate is served, one
 * with a certificate signed by the CA is served, one with a certificate the CA did not sign is
 * refused (a certificate shown is checked), as Redis's {@code tls-auth-clients optional}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = "kv.server.tls-auth-clients=optional")
@DirtiesContext
class TlsOptionalClientCertificateTest extends RunningServerTest {

    @TempDir
    static Path certDir;

    static TestCertificates certs;
    static int tlsPort;

    @DynamicPropertySource
    static void tls(DynamicPropertyRegistry registry) throws IOException {
        certs = TestCertificates.createIn(certDir);
        tlsPort = KvServerProcess.freePort();
        int plainPort = KvServerProcess.freePort();
        registry.add("kv.server.port", () -> plainPort);
        registry.add("kv.server.tls-port", () -> tlsPort);
        registry.add("kv.server.tls-cert-file", () -> certs.serverCert().toString());
        registry.add("kv.server.tls-key-file", () -> certs.serverKey().toString());
        registry.add("kv.server.tls-ca-cert-file", () -> certs.caCert().toString());
    }

    static String cli(Path cert, Path key) throws IOException {
        List<String> args = new ArrayList<>(List.of("-h", "127.0.0.1", "-p", Integer.toString(tlsPort), "--tls",
                "--cacert", certs.caCert().toString()));
        if (cert != null) {
            args.addAll(List.of("--cert", cert.toString(), "--key", key.toString()));
        }
        args.add("PING");
        return TlsClients.redisCli(args).trim();
    }

    @Test
    void aClientWithoutACertificateIsServed() throws IOException {
        assertThat(cli(null, null)).isEqualTo("PONG");
    }

    @Test
    void aClientWithACertificateSignedByTheCaIsServed() throws IOException {
        assertThat(cli(certs.clientCert(), certs.clientKey())).isEqualTo("PONG");
    }

    @Test
    void aClientWithACertificateTheCaDidNotSignIsRefused() throws IOException {
        assertThat(cli(certs.strangerCert(), certs.strangerKey())).doesNotContain("PONG");
    }
}
