package kv.server.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * Certificates made fresh for a test run with {@code openssl} (so none is committed and none
 * expires): a CA, a server certificate for {@code localhost} and {@code 127.0.0.1} signed by it,
 * a client certificate signed by it, and a client certificate signed by another CA that the
 * servers do not trust. Keys are EC P-256, PEM (PKCS#8), as Redis and kv both read them.
 * A test is skipped where {@code openssl} is not installed.
 */
public final class TestCertificates {

    public static final Path OPENSSL = Path.of("/usr/bin/openssl");

    private final Path dir;

    private TestCertificates(Path dir) {
        this.dir = dir;
    }

    /** Makes the certificates in {@code dir}. */
    public static TestCertificates createIn(Path dir) throws IOException {
        Assumptions.assumeTrue(Files.isExecutable(OPENSSL), "openssl is not installed");
        TestCertificates certificates = new TestCertificates(dir);
        certificates.authority("ca", "kv test CA");
        certificates.authority("other-ca", "some other CA");
        certificates.signed("server", "localhost", "ca", "subjectAltName=DNS:localhost,IP:127.0.0.1");
        certificates.signed("client", "kv test client", "ca", "extendedKeyUsage=clientAuth");
        certificates.signed("stranger", "kv stranger", "other-ca", "extendedKeyUsage=clientAuth");
        return certificates;
    }

    /**
     * Registers kv-server's plain and TLS ports, and this server certificate, key and CA as its
     * TLS settings (client certificates required, Redis's default), for a test's
     * {@code @DynamicPropertySource}.
     */
    public void registerServerTls(org.springframework.test.context.DynamicPropertyRegistry registry, int plainPort,
                                  int tlsPort) {
        registry.add("kv.server.port", () -> plainPort);
        registry.add("kv.server.tls-port", () -> tlsPort);
        registry.add("kv.server.tls-cert-file", () -> serverCert().toString());
        registry.add("kv.server.tls-key-file", () -> serverKey().toString());
        registry.add("kv.server.tls-ca-cert-file", () -> caCert().toString());
    }

    public Path caCert() {
        return dir.resolve("ca.crt");
    }

    public Path serverCert() {
        return dir.resolve("server.crt");
    }

    public Path serverKey() {
        return dir.resolve("server.key");
    }

    public Path clientCert() {
        return dir.resolve("client.crt");
    }

    public Path clientKey() {
        return dir.resolve("client.key");
    }

    /** A client certificate signed by a CA the servers do not trust. */
    public Path strangerCert() {
        return dir.resolve("stranger.crt");
    }

    public Path strangerKey() {
        return dir.resolve("stranger.key");
    }

    private void authority(String name, String commonName) throws IOException {
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", name + ".key", "-out", name + ".crt", "-days", "3650", "-subj", "/CN=" + commonName);
    }

    private void signed(String name, String commonName, String ca, String extension) throws IOException {
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", name + ".key", "-out", name + ".csr", "-subj", "/CN=" + commonName);
        Files.writeString(dir.resolve(name + ".ext"), extension + "\n");
        openssl("x509", "-req", "-in", name + ".csr", "-CA", ca + ".crt", "-CAkey", ca + ".key",
                "-CAcreateserial", "-out", name + ".crt", "-days", "3650", "-extfile", name + ".ext");
    }

    private void openssl(String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(OPENSSL.toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        try {
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IOException("openssl " + String.join(" ", args) + " failed: " + output);
            }
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
