package kv.server.testing;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * Debian's {@code redis-server} on a free port, without persistence: the reference a test
 * compares kv's replies with. A test is skipped (not failed) where it is not installed.
 */
public final class RedisServerProcess implements AutoCloseable {

    public static final Path BINARY = Path.of("/usr/bin/redis-server");

    private final Process process;
    private final int port;

    private RedisServerProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    public static RedisServerProcess start() throws IOException {
        return start(List.of());
    }

    /**
     * With more of redis-server's flags ({@code --requirepass}, {@code --aclfile path},
     * {@code --tls-port} ...); the plain port, on which the test waits for it to listen, is still open.
     */
    public static RedisServerProcess start(List<String> flags) throws IOException {
        Assumptions.assumeTrue(Files.isExecutable(BINARY), "redis-server is not installed");
        int port = KvServerProcess.freePort();
        List<String> command = new java.util.ArrayList<>(List.of(BINARY.toString(), "--port", Integer.toString(port),
                "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no"));
        command.addAll(flags);
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        for (int i = 0; i < 100; i++) {
            try (Socket socket = new Socket("127.0.0.1", port)) {
                return new RedisServerProcess(process, port);
            }
            catch (IOException notYet) {
                try {
                    Thread.sleep(50);
                }
                catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        process.destroyForcibly();
        throw new IOException("redis-server did not start on port " + port);
    }

    public int port() {
        return port;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
