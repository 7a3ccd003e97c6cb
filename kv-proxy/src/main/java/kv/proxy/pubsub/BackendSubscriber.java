package kv.proxy.pubsub;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import kv.protocol.resp.RespDecoder;
import kv.protocol.resp.RespEncoder;
import kv.protocol.resp.RespInput;
import kv.protocol.resp.RespOutput;
import kv.protocol.resp.RespValue;
import kv.protocol.resp.Request;
import kv.proxy.backend.Backend;
import kv.proxy.config.ProxyProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxy's one subscriber connection to one backend (RESP2 subscriber mode): subscribed to the
 * union of the channels and patterns of the proxy's clients, it reads {@code message} and
 * {@code pmessage} frames on a thread of its own and hands them to the {@link PubSubHub}.
 *
 * <p>Design note: a (P)SUBSCRIBE through the proxy waits for this backend's confirmation, so that a
 * message published right after the client's confirmation is not missed; confirmations come back
 * in the order the requests were written, one per name, and complete the oldest waiting request of
 * that kind and name. A lost connection (EOF, error, three heartbeats without a reply) reconnects
 * with backoff and subscribes the hub's whole union again: messages published meanwhile are lost,
 * as they are for a Redis client whose connection dropped.
 */
final class BackendSubscriber implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(BackendSubscriber.class);
    private static final long FIRST_BACKOFF_MILLIS = 50;

    private final Backend backend;
    private final PubSubHub hub;
    private final ProxyProperties.Timeouts timeouts;
    private final RespDecoder decoder = new RespDecoder();
    /** Guards {@link #out} and {@link #pending}; taken after the hub's lock, never before it. */
    private final Object lock = new Object();
    private RespOutput out;
    private Socket socket;
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private volatile boolean running = true;
    private volatile boolean connected;
    private volatile Thread thread;
    private volatile long reconnects;

    private record Pending(String kind, byte[] name, CompletableFuture<Void> done) {
    }

    BackendSubscriber(Backend backend, PubSubHub hub, ProxyProperties.Timeouts timeouts) {
        this.backend = backend;
        this.hub = hub;
        this.timeouts = timeouts;
    }

    Backend backend() {
        return backend;
    }

    boolean connected() {
        return connected;
    }

    long reconnects() {
        return reconnects;
    }

    /**
     * Writes {@code command} (SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE) for {@code names}
     * (called with the hub's lock held, so the backend sees the union's changes in order); the
     * future completes when the backend has confirmed every name, at once if it is not connected
     * (the union is subscribed whole when it is).
     */
    CompletableFuture<Void> send(String command, List<byte[]> names) {
        synchronized (lock) {
            if (out == null || names.isEmpty()) {
                return CompletableFuture.completedFuture(null);
            }
            List<byte[]> words = new ArrayList<>(names.size() + 1);
            words.add(command.getBytes(StandardCharsets.US_ASCII));
            words.addAll(names);
            List<CompletableFuture<Void>> confirmations = new ArrayList<>(names.size());
            String kind = command.toLowerCase(java.util.Locale.ROOT);
            for (byte[] name : names) {
                CompletableFuture<Void> done = new CompletableFuture<>();
                pending.add(new Pending(kind, name, done));
                confirmations.add(done);
            }
            try {
                RespEncoder.write(Request.of(words), out);
                out.flush();
            }
            catch (IOException e) {
                closeSocket();
                return CompletableFuture.completedFuture(null);
            }
            return CompletableFuture.allOf(confirmations.toArray(CompletableFuture[]::new));
        }
    }

    /**
     * Starts the connection on first use (a proxy whose clients never subscribe opens none) and
     * waits, at most {@code millis}, until it is connected and subscribed to the union.
     */
    void awaitConnected(long millis) {
        synchronized (lock) {
            if (thread == null && running) {
                thread = new Thread(this, "kv-proxy-pubsub-" + backend.name());
                thread.setDaemon(true);
                thread.start();
            }
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
            while (out == null && running && backend.isUp()) { // a DOWN backend: not worth waiting for
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    return; // subscribed with the whole union once it connects
                }
                try {
                    lock.wait(left);
                }
                catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    void stop() {
        running = false;
        synchronized (lock) {
            closeSocket();
            lock.notifyAll();
        }
    }

    /** Drops the connection (a test's way of breaking it); it reconnects and subscribes again. */
    void reconnect() {
        synchronized (lock) {
            closeSocket();
        }
    }

    @Override
    public void run() {
        long backoff = FIRST_BACKOFF_MILLIS;
        while (running) {
            int heartbeat = (int) Math.max(50, timeouts.heartbeat().toMillis());
            try (Socket s = backend.openSocket((int) timeouts.connect().toMillis(), heartbeat)) { // TLS, AUTH as configured
                RespInput in = new RespInput(s.getInputStream(), 16 * 1024);
                hub.resubscribe(this, s, new RespOutput(s.getOutputStream(), 8 * 1024));
                connected = true;
                backoff = FIRST_BACKOFF_MILLIS;
                listen(s, in, heartbeat);
            }
            catch (IOException | RuntimeException e) {
                if (running && connected) {
                    log.warn("Pub/sub connection to " + backend.name() + " broke (" + e + "); subscribing again");
                }
            }
            connected = false;
            synchronized (lock) {
                out = null;
                socket = null;
                pending.forEach(p -> p.done().complete(null)); // resubscribed whole on reconnect
                pending.clear();
            }
            if (!running) {
                break;
            }
            reconnects++;
            sleep(backoff);
            backoff = Math.min(backoff * 2, Math.max(FIRST_BACKOFF_MILLIS, timeouts.reconnectMax().toMillis()));
        }
    }

    /** Called by the hub, holding its lock, once connected: the connection is live for {@link #send} from now on. */
    void attach(Socket s, RespOutput output, List<byte[]> channels, List<byte[]> patterns) throws IOException {
        synchronized (lock) {
            socket = s;
            out = output;
            if (!channels.isEmpty()) {
                List<byte[]> words = new ArrayList<>();
                words.add("SUBSCRIBE".getBytes(StandardCharsets.US_ASCII));
                words.addAll(channels);
                RespEncoder.write(Request.of(words), out);
            }
            if (!patterns.isEmpty()) {
                List<byte[]> words = new ArrayList<>();
                words.add("PSUBSCRIBE".getBytes(StandardCharsets.US_ASCII));
                words.addAll(patterns);
                RespEncoder.write(Request.of(words), out);
            }
            out.flush();
            lock.notifyAll();
        }
    }

    private void listen(Socket s, RespInput in, int heartbeat) throws IOException {
        long lastRead = System.nanoTime();
        while (running) {
            RespValue value;
            try {
                value = decoder.readValue(in);
            }
            catch (SocketTimeoutException e) {
                if (System.nanoTime() - lastRead > TimeUnit.MILLISECONDS.toNanos(3L * heartbeat)) {
                    throw new IOException("no reply to three heartbeats");
                }
                ping();
                continue;
            }
            if (value == null) {
                throw new IOException("connection closed by the backend");
            }
            lastRead = System.nanoTime();
            if (value instanceof RespValue.Array array) {
                onFrame(array.elements());
            }
            // +PONG (not subscribed to anything) or an error: nothing to do.
        }
    }

    private void ping() throws IOException {
        synchronized (lock) {
            if (out != null) {
                RespEncoder.write(Request.of("PING"), out);
                out.flush();
            }
        }
    }

    private void onFrame(List<RespValue> frame) {
        if (frame.isEmpty() || !(frame.get(0) instanceof RespValue.BulkString kindBulk)) {
            return;
        }
        String kind = kindBulk.asString().toLowerCase(java.util.Locale.ROOT);
        switch (kind) {
            case "message" -> {
                if (frame.size() == 3) {
                    hub.message(bytes(frame.get(1)), bytes(frame.get(2)));
                }
            }
            case "pmessage" -> {
                if (frame.size() == 4) {
                    hub.pmessage(bytes(frame.get(1)), bytes(frame.get(2)), bytes(frame.get(3)));
                }
            }
            case "subscribe", "unsubscribe", "psubscribe", "punsubscribe" -> confirmed(kind, frame.size() > 1 ? bytes(frame.get(1)) : null);
            default -> { } // pong
        }
    }

    private void confirmed(String kind, byte[] name) {
        CompletableFuture<Void> done = null;
        synchronized (lock) {
            for (Iterator<Pending> it = pending.iterator(); it.hasNext(); ) {
                Pending p = it.next();
                if (p.kind().equals(kind) && java.util.Arrays.equals(p.name(), name)) {
                    it.remove();
                    done = p.done();
                    break;
                }
            }
        }
        if (done != null) {
            done.complete(null);
        }
    }

    private static byte[] bytes(RespValue value) {
        return value instanceof RespValue.BulkString bulk ? bulk.bytes() : null;
    }

    private void closeSocket() {
        Socket s = socket;
        if (s != null) {
            try {
                s.close();
            }
            catch (IOException ignored) {
                // closed anyway
            }
        }
    }

    private static void sleep(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
