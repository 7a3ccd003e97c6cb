package kv.proxy.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import kv.server.testing.KvServerProcess;

/**
 * A real Debian {@code redis-server} on a free port, without persistence, for tests of the proxy
 * in front of Redis. {@link #kill()} and {@link #start()} restart it on the same port (empty).
 */
public final class RedisServerProcess implements AutoCloseable {

    private static final String BINARY = "/usr/bin/redis-server";

    private final int port;
    private final Path log;
    private final List<String> extraArgs;
    private Process process;

    private RedisServerProcess(int port, Path workDir, List<String> extraArgs) {
        this.port = port;
        this.log = workDir.resolve("redis-" + port + ".log");
        this.extraArgs = List.copyOf(extraArgs);
    }

    public static boolean available() {
        return java.nio.file.Files.isExecutable(Path.of(BINARY));
    }

    public static RedisServerProcess start(Path workDir) throws IOException {
        return start(workDir, List.of());
    }

    /** With more redis-server arguments, e.g. {@code --enable-debug-command yes}. */
    public static RedisServerProcess start(Path workDir, List<String> extraArgs) throws IOException {
        RedisServerProcess redis = new RedisServerProcess(KvServerProcess.freePort(), workDir, extraArgs);
        redis.start();
        return redis;
    }

    public int port() {
        return port;
    }

    public void start() throws IOException {
        // A directory of its own: a replica (ReplicatedRedisGroup) writes the RDB of its full sync
        // there, which any redis-server started in the same directory would load at start.
        java.nio.file.Path dir = log.resolveSibling("redis-" + port);
        java.nio.file.Files.createDirectories(dir);
        List<String> command = new java.util.ArrayList<>(List.of(BINARY, "--port", Integer.toString(port),
                "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toString()));
        command.addAll(extraArgs);
        process = new ProcessBuilder(command)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            }
            catch (IOException e) {
                sleep(20);
            }
        }
        throw new IOException("redis-server did not listen on " + port + "; see " + log);
    }

    /** The process id (of the last start). */
    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** SIGKILL. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            kill();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
