package kv.server.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real kv-server in its own JVM, for tests that must kill it ({@code kill -9}) or that test
 * another service against it. Started from the current test classpath, on a free port, with its
 * own data directory; its output goes to {@code <dataDir>/../server-<port>.log}.
 */
public final class KvServerProcess implements AutoCloseable {

    private final Path dataDir;
    private final int port;
    private final List<String> extraArgs;
    private Process process;

    private KvServerProcess(Path dataDir, int port, List<String> extraArgs) {
        this.dataDir = dataDir;
        this.port = port;
        this.extraArgs = extraArgs;
    }

    /**
     * Starts a server on a free port with a data directory under {@code workDir}; extra
     * arguments starting with {@code -X} are options of its JVM (e.g. {@code -Xmx2g}), the others
     * the application's.
     */
    public static KvServerProcess start(Path workDir, String... extraArgs) throws IOException {
        KvServerProcess server = new KvServerProcess(workDir.resolve("data"), freePort(), List.of(extraArgs));
        server.start();
        return server;
    }

    public int port() {
        return port;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Where the server's output goes. */
    public Path log() {
        return dataDir.resolveSibling("server-" + port + ".log");
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** (Re)starts the server on the same port and data directory, and waits until it answers PING. */
    public void start() throws IOException {
        Files.createDirectories(dataDir);
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:TieredStopAtLevel=1", "-Xshare:auto"));
        extraArgs.stream().filter(arg -> arg.startsWith("-X")).forEach(command::add);
        command.addAll(List.of(
                "-cp", System.getProperty("java.class.path"),
                "kv.server.KvServerApplication",
                "--kv.server.port=" + port,
                "--kv.server.data-dir=" + dataDir,
                "--server.port=0",
                "--spring.main.banner-mode=off"));
        extraArgs.stream().filter(arg -> !arg.startsWith("-X")).forEach(command::add);
        Path log = dataDir.resolveSibling("server-" + port + ".log");
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(300).toNanos(); // a loaded machine: a cluster member starts slowly
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("kv-server exited with " + process.exitValue() + "; see " + log);
            }
            if (answersPing()) {
                return;
            }
            sleep(100);
        }
        process.destroyForcibly(); // no server outlives the test that gave up on it
        throw new IOException("kv-server did not answer PING within 300 s; see " + log);
    }

    /** {@code kill -9}: no shutdown hook runs, nothing is flushed by the JVM. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM, then waits for the graceful shutdown; returns the exit code. */
    public int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            kill();
        }
    }

    private boolean answersPing() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            socket.setSoTimeout(2000);
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] reply = new byte[7];
            int n = in.readNBytes(reply, 0, 7);
            return n == 7 && new String(reply, StandardCharsets.US_ASCII).equals("+PONG\r\n");
        }
        catch (IOException e) {
            return false;
        }
    }

    /** A port that was free a moment ago. */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
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
