package kv.server.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;

/**
 * A client sending {@code SET key <size bytes of x>} over a raw socket, from a 1 MB chunk reused
 * (the test holds no value of that size), and reading what the server answers until end of
 * stream. It may stop after {@code pauseAfter} bytes of the value until {@link #resume} is called.
 */
public final class Upload implements Runnable {

    private static final byte[] CHUNK = new byte[1024 * 1024];

    static {
        Arrays.fill(CHUNK, (byte) 'x');
    }

    private final int port;
    private final String key;
    private final long size;
    private final long pauseAfter;
    private final CountDownLatch paused = new CountDownLatch(1);
    private final CountDownLatch resumed = new CountDownLatch(1);
    private volatile String answer;

    public Upload(int port, String key, long size, long pauseAfter) {
        this.port = port;
        this.key = key;
        this.size = size;
        this.pauseAfter = pauseAfter;
    }

    public Upload(int port, String key, long size) {
        this(port, key, size, Long.MAX_VALUE);
    }

    /** Runs it on a thread of its own. */
    public Thread start() {
        Thread thread = new Thread(this, "upload-" + key);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    @Override
    public void run() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(120_000); // a hang fails the test instead of stalling it
            OutputStream out = socket.getOutputStream();
            out.write(("*3\r\n$3\r\nSET\r\n$" + key.length() + "\r\n" + key + "\r\n$" + size + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            long sent = 0;
            boolean writing = true;
            while (sent < size && writing) {
                if (sent >= pauseAfter && paused.getCount() > 0) {
                    out.flush();
                    paused.countDown();
                    resumed.await();
                }
                int n = (int) Math.min(CHUNK.length, Math.min(size - sent, Math.max(1, pauseAfter - sent)));
                if (sent >= pauseAfter) {
                    n = (int) Math.min(CHUNK.length, size - sent);
                }
                try {
                    out.write(CHUNK, 0, n);
                }
                catch (IOException e) {
                    writing = false; // the server stopped reading: what it said is still to read
                    break;
                }
                sent += n;
            }
            if (writing) {
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
            InputStream in = socket.getInputStream();
            StringBuilder line = new StringBuilder();
            int b;
            while ((b = in.read()) >= 0 && b != '\n') {
                line.append((char) b);
            }
            String reply = line.toString().strip();
            if (reply.startsWith("-")) {
                // An error closes the connection: end of stream next, not a reset.
                reply += in.read() < 0 ? " <end of stream>" : " <more bytes>";
            }
            answer = reply;
        }
        catch (IOException e) {
            answer = "failed: " + e;
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            answer = "interrupted";
        }
        finally {
            paused.countDown();
        }
    }

    /** Waits until the upload has sent {@code pauseAfter} bytes of its value (or ended). */
    public void awaitPaused() throws InterruptedException {
        paused.await();
    }

    public void resume() {
        resumed.countDown();
    }

    /** What the server answered before end of stream, or how it failed; null while running. */
    public String answer() {
        return answer;
    }
}
