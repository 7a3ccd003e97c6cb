package kv.server.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Clients that keep a service busy while it shuts down, to see how each connection ends: each
 * sends pipelined {@code GET key} batches (the key holds {@code v}) and reads the replies, over
 * and over, until the service closes. A clean end is whole replies then end of stream; a
 * {@code Connection reset} (an RST) or a reply cut in the middle is not.
 */
public final class ShutdownTraffic implements AutoCloseable {

    private static final byte[] REPLY = "$1\r\nv\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final int BATCH = 8;

    private final List<Thread> threads = new ArrayList<>();
    private final List<String> outcomes = Collections.synchronizedList(new ArrayList<>());
    private final CountDownLatch answered;

    /** Opens {@code clients} connections to 127.0.0.1:{@code port} and starts their traffic. */
    public ShutdownTraffic(int port, int clients, String key) throws IOException {
        answered = new CountDownLatch(clients);
        byte[] batch = ("GET " + key + "\r\n").repeat(BATCH).getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < clients; i++) {
            Socket socket = new Socket();
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(20_000);
            Thread thread = new Thread(() -> outcomes.add(run(socket, batch)), "shutdown-client-" + i);
            thread.setDaemon(true);
            threads.add(thread);
        }
        threads.forEach(Thread::start);
    }

    /** Waits until every client has had at least one batch answered. */
    public boolean awaitTraffic() throws InterruptedException {
        return answered.await(30, TimeUnit.SECONDS);
    }

    /** Waits for every client to see the end of its connection; how each ended ("clean", or what went wrong). */
    public List<String> outcomes() throws InterruptedException {
        for (Thread thread : threads) {
            thread.join(30_000);
        }
        synchronized (outcomes) {
            return List.copyOf(outcomes);
        }
    }

    private String run(Socket socket, byte[] batch) {
        long replies = 0;
        try (socket) {
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            byte[] reply = new byte[REPLY.length];
            boolean first = true;
            while (true) {
                try {
                    out.write(batch);
                    out.flush();
                }
                catch (IOException e) {
                    // The service may have shut its side already; its last replies are still to read.
                }
                for (int i = 0; i < BATCH; i++) {
                    int n = in.readNBytes(reply, 0, reply.length);
                    if (n == 0) {
                        return in.read() < 0 ? "clean" : "data after end of stream";
                    }
                    if (n < reply.length || !java.util.Arrays.equals(reply, REPLY)) {
                        return "reply " + replies + " cut or wrong: "
                                + new String(reply, 0, n, StandardCharsets.US_ASCII);
                    }
                    replies++;
                }
                if (first) {
                    first = false;
                    answered.countDown();
                }
            }
        }
        catch (IOException e) {
            return "after " + replies + " replies: " + e;
        }
    }

    @Override
    public void close() {
        threads.forEach(Thread::interrupt);
    }
}
