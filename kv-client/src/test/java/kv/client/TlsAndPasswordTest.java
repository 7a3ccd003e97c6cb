package kv.client;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import kv.server.testing.KvServerProcess;
import kv.server.testing.RedisServerProcess;
import kv.server.testing.TestCertificates;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kv-client's redis-cli flags, a real client process per command: {@code --tls --cacert} to
 * kv-server's TLS port, {@code --cert --key} to a Redis that requires client certificates,
 * {@code --user} with the password from {@code KV_PASSWORD} (sent as {@code HELLO 3 AUTH}), and
 * a password on the command line refused.
 */
class TlsAndPasswordTest {

    static final String PASSWORD = "client-s3cret";

    @TempDir
    static Path workDir;

    static TestCertificates certs;
    static KvServerProcess server;
    static int serverTlsPort;
    static RedisServerProcess redis;
    static int redisTlsPort;

    @BeforeAll
    static void start() throws Exception {
        certs = TestCertificates.createIn(Files.createDirectories(workDir.resolve("certs")));
        serverTlsPort = KvServerProcess.freePort();
        server = KvServerProcess.start(workDir, KvServers.WITHOUT_THE_SHELL, "--kv.server.tls-port=" + serverTlsPort,
                "--kv.server.tls-cert-file=" + certs.serverCert(), "--kv.server.tls-key-file=" + certs.serverKey(),
                "--kv.server.tls-auth-clients=no");
        redisTlsPort = KvServerProcess.freePort();
        redis = RedisServerProcess.start(List.of("--tls-port", Integer.toString(redisTlsPort),
                "--tls-cert-file", certs.serverCert().toString(), "--tls-key-file", certs.serverKey().toString(),
                "--tls-ca-cert-file", certs.caCert().toString(), "--tls-auth-clients", "yes",
                "--user", "alice", "on", ">" + PASSWORD, "~*", "+@all"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    record Run(int exitCode, String out, String err) {
    }

    static Run client(Map<String, String> environment, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                "-cp", System.getProperty("java.class.path"),
                "kv.client.KvClientApplication"));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(workDir, "out", ".txt");
        Path err = Files.createTempFile(workDir, "err", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().put("NO_COLOR", "1");
        builder.environment().remove("KV_PASSWORD");
        builder.environment().putAll(environment);
        Process process = builder.start();
        process.getOutputStream().close();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("kv-client did not exit within 60 s");
        }
        return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void tlsWithTheCaCertificateReachesKvServersTlsPort() throws Exception {
        Run put = client(Map.of(), "--kv.client.host=localhost", "--kv.client.port=" + serverTlsPort, "--tls",
                "--cacert", certs.caCert().toString(), "put", "tls:client", "=", "secure");
        assertThat(put.exitCode()).as(put.err()).isZero();
        Run get = client(Map.of(), "--kv.client.port=" + serverTlsPort, "--tls", "--cacert", certs.caCert().toString(),
                "get", "tls:client");
        assertThat(get.out()).isEqualTo("secure\n");
    }

    @Test
    void tlsWithoutTheCaCertificateRefusesTheServer() throws Exception {
        Run get = client(Map.of(), "--kv.client.port=" + serverTlsPort, "--tls", "get", "tls:client");
        assertThat(get.exitCode()).isNotZero();
        assertThat(get.out()).isEmpty();
    }

    @Test
    void aUserWithThePasswordFromKvPasswordAndAClientCertificateIsServedByRedis() throws Exception {
        Run put = client(Map.of("KV_PASSWORD", PASSWORD), "--kv.client.port=" + redisTlsPort, "--tls",
                "--cacert", certs.caCert().toString(), "--cert", certs.clientCert().toString(),
                "--key", certs.clientKey().toString(), "--user", "alice", "put", "tls:alice", "=", "hers");
        assertThat(put.exitCode()).as(put.err()).isZero();
        Run get = client(Map.of("KV_PASSWORD", PASSWORD), "--kv.client.port=" + redisTlsPort, "--tls",
                "--cacert", certs.caCert().toString(), "--cert", certs.clientCert().toString(),
                "--key", certs.clientKey().toString(), "--user", "alice", "get", "tls:alice");
        assertThat(get.out()).isEqualTo("hers\n");
    }

    @Test
    void aWrongPasswordGetsRedissWrongpassAndAFailingExit() throws Exception {
        Run get = client(Map.of("KV_PASSWORD", "not-it"), "--kv.client.port=" + redisTlsPort, "--tls",
                "--cacert", certs.caCert().toString(), "--cert", certs.clientCert().toString(),
                "--key", certs.clientKey().toString(), "--user", "alice", "get", "tls:alice");
        assertThat(get.exitCode()).isNotZero();
        assertThat(get.err()).contains("WRONGPASS invalid username-password pair or user is disabled.");
    }

    @Test
    void aPasswordOnTheCommandLineIsRefused() throws Exception {
        Run run = client(Map.of(), "--kv.client.port=" + serverTlsPort, "-a", PASSWORD, "get", "x");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("KV_PASSWORD").doesNotContain(PASSWORD);
    }

    @Test
    void aUserWithoutKvPasswordAndWithoutATerminalIsToldToSetIt() throws Exception {
        Run run = client(Map.of(), "--kv.client.port=" + redisTlsPort, "--tls", "--cacert", certs.caCert().toString(),
                "--user", "alice", "get", "x");
        assertThat(run.exitCode()).isNotZero();
        assertThat(run.err()).contains("KV_PASSWORD");
    }
}
