package kv.proxy.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import kv.protocol.resp.RespDecoder;
import kv.protocol.resp.RespEncoder;
import kv.protocol.resp.RespInput;
import kv.protocol.resp.RespOutput;
import kv.protocol.resp.Replies;
import kv.protocol.resp.RespValue;
import kv.protocol.resp.Request;

/**
 * A minimal RESP backend whose timing the test controls: it can hold GET replies at a gate,
 * push invalidations when told, and drop its tracking connections, so races that are rare with a
 * real server happen on every run. Speaks just enough (HELLO, CLIENT TRACKING, PING, GET, SET,
 * INCR); it can hold writes' replies too, after applying them.
 */
public final class ScriptedBackend implements AutoCloseable {

    private final ServerSocket server;
    private final Map<String, String> values = new ConcurrentHashMap<>();
    private final List<Connection> tracking = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicInteger gets = new AtomicInteger();
    private final AtomicInteger subscriptions = new AtomicInteger();
    private final Semaphore heldGets = new Semaphore(0);
    private volatile CountDownLatch gate;
    private final Semaphore heldWrites = new Semaphore(0);
    private volatile CountDownLatch writeGate;
    private volatile boolean dropGets;

    public ScriptedBackend() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "scripted-backend-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    public void set(String key, String value) {
        values.put(key, value);
    }

    public int gets() {
        return gets.get();
    }

    public int subscriptions() {
        return subscriptions.get();
    }

    /** Connections accepted so far, the invalidation listener's included. */
    public int connections() {
        return sockets.size();
    }

    /** From now on a GET makes the backend close that connection without replying, as a crash would. */
    public void dropGets() {
        dropGets = true;
    }

    /** From now on GETs read their value, then wait at the gate before replying. */
    public void holdGets() {
        gate = new CountDownLatch(1);
    }

    /** Waits until a GET has read its value and is being held. */
    public boolean awaitHeldGet(long millis) throws InterruptedException {
        return heldGets.tryAcquire(millis, TimeUnit.MILLISECONDS);
    }

    /** Lets held GETs reply, and later ones reply at once. */
    public void releaseGets() {
        CountDownLatch held = gate;
        gate = null;
        if (held != null) {
            held.countDown();
        }
    }

    /** From now on SETs and INCRs apply their write, then wait at a gate before replying. */
    public void holdWrites() {
        writeGate = new CountDownLatch(1);
    }

    /** Waits until a write has been applied and its reply is being held. */
    public boolean awaitHeldWrite(long millis) throws InterruptedException {
        return heldWrites.tryAcquire(millis, TimeUnit.MILLISECONDS);
    }

    /** Lets held writes reply, and later ones reply at once. */
    public void releaseWrites() {
        CountDownLatch held = writeGate;
        writeGate = null;
        if (held != null) {
            held.countDown();
        }
    }

    /** Pushes {@code invalidate [key]} on every tracking connection, as a server does after a write. */
    public void pushInvalidation(String key) throws IOException {
        RespValue push = new RespValue.Push(List.of(Replies.bulk("invalidate"),
                new RespValue.Array(List.of(Replies.bulk(key)))));
        for (Connection connection : tracking) {
            connection.write(push);
        }
    }

    /** Closes every tracking connection, as a network failure would. */
    public void dropTrackingConnections() throws IOException {
        for (Connection connection : tracking) {
            tracking.remove(connection);
            connection.socket.close();
        }
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                sockets.add(socket);
                Thread thread = new Thread(() -> serve(new Connection(socket)), "scripted-backend-conn");
                thread.setDaemon(true);
                thread.start();
            }
            catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Connection connection) {
        RespDecoder decoder = new RespDecoder();
        try {
            RespInput in = new RespInput(connection.socket.getInputStream());
            while (true) {
                Object read = decoder.readRequest(in);
                if (!(read instanceof Request request)) {
                    return;
                }
                RespValue reply = answer(request, connection);
                if (reply == null) {
                    connection.socket.close();
                    return;
                }
                connection.write(reply);
            }
        }
        catch (IOException | InterruptedException e) {
            // connection closed
        }
    }

    /** The reply to {@code request}, or null to hang up without one. */
    private RespValue answer(Request request, Connection connection) throws InterruptedException {
        switch (request.name()) {
            case "hello":
                connection.protocol = 3;
                return new RespValue.Map(List.of(Replies.bulk("server"), Replies.bulk("scripted")));
            case "client":
                tracking.add(connection);
                subscriptions.incrementAndGet();
                return Replies.OK;
            case "ping":
                return Replies.PONG;
            case "get": {
                gets.incrementAndGet();
                if (dropGets) {
                    return null; // hang up instead
                }
                String value = values.get(request.argString(1));
                CountDownLatch held = gate;
                if (held != null) {
                    heldGets.release();
                    held.await(10, TimeUnit.SECONDS);
                }
                return Replies.bulk(value);
            }
            case "set":
                values.put(request.argString(1), request.argString(2));
                holdWrite();
                return Replies.OK;
            case "incr": {
                String incremented = values.merge(request.argString(1), "1",
                        (old, one) -> Long.toString(Long.parseLong(old) + 1));
                holdWrite();
                return new RespValue.Integer(Long.parseLong(incremented));
            }
            case "dbsize":
                return new RespValue.Integer(values.size());
            default:
                return Replies.error("ERR scripted backend does not know " + request.name());
        }
    }

    /** Waits at the write gate, if {@link #holdWrites} set one: the write is applied, its reply not sent. */
    private void holdWrite() throws InterruptedException {
        CountDownLatch held = writeGate;
        if (held != null) {
            heldWrites.release();
            held.await(10, TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() throws IOException {
        releaseGets();
        releaseWrites();
        server.close();
        for (Socket socket : sockets) {
            socket.close();
        }
    }

    private static final class Connection {
        final Socket socket;
        final RespOutput out;
        volatile int protocol = 2;

        Connection(Socket socket) {
            this.socket = socket;
            try {
                this.out = new RespOutput(socket.getOutputStream(), 4096);
            }
            catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        synchronized void write(RespValue value) {
            try {
                RespEncoder.write(value, protocol, out);
                out.flush();
            }
            catch (IOException e) {
                // the proxy went away
            }
        }
    }
}
