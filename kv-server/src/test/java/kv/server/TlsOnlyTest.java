package kv.server;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import kv.protocol.endpoint.RespServerConnectionFactory;
import kv.server.testing.KvServerProcess;
import kv.server.testing.TestCertificates;
import kv.server.testing.TlsClients;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * TLS alone, as Redis runs with {@code port 0} and a {@code tls-port}: no plain listener, and
 * with {@code tls-auth-clients no} no client certificate asked for (so no CA file needed). The
 * certificate and key come from a Spring Boot SSL bundle ({@code kv.server.tls-bundle} naming a
 * {@code spring.ssl.bundle.pem.*}), the alternative to the {@code tls-*-file} settings.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {"kv.server.port=0", "kv.server.tls-auth-clients=no"})
@DirtiesContext
class TlsOnlyTest extends RunningServerTest {

    @TempDir
    static Path certDir;

    static TestCertificates certs;
    static int tlsPort;

    @DynamicPropertySource
    static void tls(DynamicPropertyRegistry registry) throws IOException {
        certs = TestCertificates.createIn(certDir);
        tlsPort = KvServerProcess.freePort();
        registry.add("kv.server.tls-port", () -> tlsPort);
        registry.add("spring.ssl.bundle.pem.kv-tls.keystore.certificate", () -> "file:" + certs.serverCert());
        registry.add("spring.ssl.bundle.pem.kv-tls.keystore.private-key", () -> "file:" + certs.serverKey());
        registry.add("kv.server.tls-bundle", () -> "kv-tls");
    }

    @Autowired
    RespServerConnectionFactory factory;

    @Test
    void portZeroWithATlsPortMeansNoPlainListener() {
        assertThat(factory.plainEnabled()).isFalse();
        assertThat(factory.getPort()).isZero();
        assertThat(factory.getServerSocketAddress().toString()).endsWith(":" + tlsPort);
    }

    @Test
    void theBundlesCertificateIsServedAndInfoTellsWhenItExpires() throws IOException {
        String out = TlsClients.redisCli(List.of("-h", "localhost", "-p", Integer.toString(tlsPort), "--tls",
                "--cacert", certs.caCert().toString(), "INFO", "server"));
        assertThat(out).contains("tls_port:" + tlsPort).containsPattern("tls_cert_expires:20[0-9][0-9]-");
    }

    @Test
    void aClientWithoutACertificateIsServedWhenNoneIsAskedFor() throws IOException {
        String out = TlsClients.redisCli(List.of("-h", "localhost", "-p", Integer.toString(tlsPort), "--tls",
                "--cacert", certs.caCert().toString(), "PING"));
        assertThat(out.trim()).isEqualTo("PONG");
    }
}
