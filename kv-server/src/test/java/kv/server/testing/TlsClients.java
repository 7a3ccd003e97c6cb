package kv.server.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;

import org.junit.jupiter.api.Assumptions;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.pem.PemSslStoreBundle;
import org.springframework.boot.ssl.pem.PemSslStoreDetails;

/**
 * What the TLS tests connect with: a JDK {@link SSLContext} from PEM files (for Jedis and raw
 * sockets), and Debian's {@code redis-cli} and {@code openssl s_client} run as processes.
 */
public final class TlsClients {

    public static final Path REDIS_CLI = Path.of("/usr/bin/redis-cli");

    private TlsClients() {
    }

    /** Trusts {@code ca}; shows {@code cert} with {@code key} if they are not null. */
    public static SSLContext context(Path ca, Path cert, Path key) {
        PemSslStoreDetails keyStore = cert == null ? null
                : new PemSslStoreDetails(null, "file:" + cert, "file:" + key);
        return SslBundle.of(new PemSslStoreBundle(keyStore, PemSslStoreDetails.forCertificates("file:" + ca)))
                .createSslContext();
    }

    /** Runs {@code redis-cli} with {@code args}; its output and errors, together. */
    public static String redisCli(List<String> args) throws IOException {
        Assumptions.assumeTrue(Files.isExecutable(REDIS_CLI), "redis-cli is not installed");
        List<String> command = new ArrayList<>();
        command.add(REDIS_CLI.toString());
        command.addAll(args);
        return run(command, null);
    }

    /**
     * Runs {@code openssl s_client} with {@code args}, its input {@code stdin}; its output. It
     * connects, sends the input, and ends at the input's end.
     */
    public static String sClient(List<String> args, String stdin) throws IOException {
        Assumptions.assumeTrue(Files.isExecutable(TestCertificates.OPENSSL), "openssl is not installed");
        List<String> command = new ArrayList<>(List.of(TestCertificates.OPENSSL.toString(), "s_client"));
        command.addAll(args);
        return run(command, stdin);
    }

    /**
     * Starts {@code openssl s_client} with {@code args} in its interactive mode (where a line
     * {@code R} renegotiates), for a test that writes to it step by step.
     */
    public static Process startSClient(List<String> args) throws IOException {
        Assumptions.assumeTrue(Files.isExecutable(TestCertificates.OPENSSL), "openssl is not installed");
        List<String> command = new ArrayList<>(List.of(TestCertificates.OPENSSL.toString(), "s_client"));
        command.addAll(args);
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    private static String run(List<String> command, String stdin) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            if (stdin != null) {
                process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            process.getOutputStream().close();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(command + " did not finish within 30 s");
            }
            return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
