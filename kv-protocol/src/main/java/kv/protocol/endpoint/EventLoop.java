package kv.protocol.endpoint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One thread that serves many client connections, as Redis's event loop does: it waits until some
 * have bytes to read, runs every whole request they sent (each goes through the Spring
 * Integration inbound gateway, on this thread), and then, once per round, sends all the replies
 * of the round.
 *
 * <p>Design note: a round ends with the {@code beforeFlush} hook, given every connection with
 * replies to send, and only then are the replies sent. The server applies the writes of the
 * whole round there as one atomic, logged batch (group commit across clients), so no
 * acknowledgement ever leaves before the write it acknowledges. One round costs one
 * {@code epoll_wait}, one read per ready client and one write per answered client: the thread
 * hand-offs and context switches of a thread per connection are gone.
 *
 * <p>A loop also drives the service's own connections to the servers behind it (kv-proxy's
 * backends, {@link RespClientConnection}): requests written to them in a round leave before
 * that round's replies, and their replies are read and handled on this thread, as twemproxy
 * does, so a forwarded request costs no hand-off between threads.
 */
final class EventLoop implements Runnable {

    private static final Logger logger = LoggerFactory.getLogger(EventLoop.class);

    private final Selector selector;
    private final Thread thread;
    private final Consumer<List<RespConnection<?>>> beforeFlush;
    private final Queue<RespConnection<?>> arrivals = new ConcurrentLinkedQueue<>();
    /** Work handed over by other threads: registering a connection to a server. */
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    /** Connections other threads wrote to (pushes, requests); their output leaves with the next round. */
    private final Queue<LoopConnection> flushRequests = new ConcurrentLinkedQueue<>();
    /** Connections with replies to send at the end of this round (loop thread only). */
    private final List<RespConnection<?>> dirty = new ArrayList<>();
    /** Connections to servers with requests to send this round (loop thread only). */
    private final List<RespClientConnection> outbound = new ArrayList<>();
    /** Connections to servers registered with this loop, checked for overdue replies (loop thread only). */
    private final List<RespClientConnection> servers = new ArrayList<>();
    private long nextTimeoutCheck = System.nanoTime();
    /** Clients' connections the selector reported ready, served after the servers' (loop thread only). */
    private final List<SelectionKey> readyClients = new ArrayList<>();
    private boolean serversAnswered;
    /** TLS connections whose decrypted input may wait unseen by the selector: read again next round (loop thread only). */
    private final List<LoopConnection> rereads = new ArrayList<>();
    /** Connections whose buffered requests wait for their output to drain (loop thread only). */
    private final List<RespConnection<?>> resumable = new ArrayList<>();
    private volatile boolean running = true;
    /** Stopping: see {@link #shutdown}. */
    private volatile boolean closing;
    /** When the connections still open at shutdown are closed anyway (loop thread only; 0 before). */
    private long drainDeadline;
    /** Where the bytes clients send after their connection's output was shut are read to, and dropped. */
    private final ByteBuffer discarded = ByteBuffer.allocate(16 * 1024);
    /** Connections told why they are closed, dropping what their clients still send until a deadline, oldest first. */
    private final ArrayDeque<Lingering> lingering = new ArrayDeque<>();

    private record Lingering(RespConnection<?> connection, long deadline) {
    }

    /** The read buffer lent to each client connection in turn (see {@link RespConnection#onReadable}). */
    private final byte[] readBuffer = new byte[LoopConnection.BUFFER_SIZE];
    /** True on every event loop thread. */
    private static final ThreadLocal<Boolean> LOOP_THREAD = ThreadLocal.withInitial(() -> false);

    EventLoop(String name, Consumer<List<RespConnection<?>>> beforeFlush) {
        try {
            this.selector = Selector.open();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.beforeFlush = beforeFlush;
        this.thread = new Thread(this, name);
    }

    void start() {
        thread.start();
    }

    /** Hands a new connection to this loop (from the accepting thread). */
    void add(RespConnection<?> connection) {
        arrivals.add(connection);
        selector.wakeup();
    }

    boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    /** The connection has replies to send this round (loop thread). */
    void markDirty(RespConnection<?> connection) {
        dirty.add(connection);
    }

    /** The connection to a server has requests to send this round (loop thread). */
    void markOutbound(RespClientConnection connection) {
        outbound.add(connection);
    }

    /** Registers a connection to a server with this loop (from any thread). */
    void add(RespClientConnection connection) {
        if (inLoop()) {
            register(connection);
        }
        else {
            tasks.add(() -> register(connection));
            selector.wakeup();
        }
    }

    /** A connection to a server closed: no more timeout checks for it (any thread). */
    void remove(RespClientConnection connection) {
        if (inLoop()) {
            servers.remove(connection);
        }
        else {
            tasks.add(() -> servers.remove(connection));
            selector.wakeup();
        }
    }

    /** Another thread wrote to the connection: send it with the next round. */
    void requestFlush(LoopConnection connection) {
        flushRequests.add(connection);
        selector.wakeup();
    }

    /** Runs {@code task} on this loop's thread with its next round (from any thread). */
    void execute(Runnable task) {
        tasks.add(task);
        selector.wakeup();
    }

    /** The TLS connection may have decrypted bytes the selector cannot report: read it next round (loop thread). */
    void readAgain(LoopConnection connection) {
        rereads.add(connection);
    }

    /** The connection has request bytes buffered that it held back; decode and run them next round. */
    void resume(RespConnection<?> connection) {
        resumable.add(connection);
    }

    /**
     * Stops, closing every client's connection cleanly: requests not run yet are not run; once
     * its last reply has left, its output is shut (a FIN), and what the client still sends is
     * read and dropped until it closes its end, for at most {@link #DRAIN_MILLIS}. Closing a
     * socket with bytes unread in it would send an RST instead, and a client could lose the
     * replies it had not read yet.
     */
    void shutdown() {
        beginShutdown();
        if (!inLoop()) {
            try {
                thread.join(10_000 + DRAIN_MILLIS);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Starts {@link #shutdown} without waiting for it, so that several loops drain at once. */
    void beginShutdown() {
        closing = true;
        selector.wakeup();
    }

    /** How long connections may take, at shutdown, to be sent their last replies and close their end. */
    static final long DRAIN_MILLIS = 2_000;

    /** Shutting down: connections close once their replies have left (see {@link #shutdown}). */
    boolean closing() {
        return closing;
    }

    /** How long a refused connection whose client sends nothing more stays, its output shut, before it is closed. */
    static final long LINGER_MILLIS = 2_000;

    /** Most bytes a refused connection's client may still send, to be dropped, before it is closed anyway. */
    static final long LINGER_MAX_BYTES = 1L << 30;

    /**
     * The connection has sent its error and shut its output (loop thread): it closes when its
     * client does, once the client has sent nothing for {@link #LINGER_MILLIS}, or once it has
     * sent {@link #LINGER_MAX_BYTES}: a client still sending a large request gets to finish and
     * read its error.
     */
    void linger(RespConnection<?> connection) {
        lingering.add(new Lingering(connection, System.nanoTime() + LINGER_MILLIS * 1_000_000));
    }

    private void closeLingeringOverdue() {
        long now = System.nanoTime();
        Lingering first;
        while ((first = lingering.peek()) != null && (now - first.deadline() > 0 || !first.connection().isOpen())) {
            lingering.poll();
            RespConnection<?> connection = first.connection();
            long quietSince = connection.lastDroppedNanos();
            if (connection.isOpen() && now - quietSince < LINGER_MILLIS * 1_000_000
                    && connection.droppedBytes() < LINGER_MAX_BYTES) {
                lingering.add(new Lingering(connection, quietSince + LINGER_MILLIS * 1_000_000)); // still sending
            }
            else {
                connection.close();
            }
        }
    }

    /** The read buffer the loop lends its connections, one at a time (loop thread). */
    byte[] readBuffer() {
        return readBuffer;
    }

    /** A buffer for bytes to drop (loop thread). */
    ByteBuffer discarded() {
        return discarded.clear();
    }

    /** True if the calling thread is an event loop's. */
    static boolean onAnyLoop() {
        return LOOP_THREAD.get();
    }

    @Override
    public void run() {
        LOOP_THREAD.set(true);
        while (running) {
            try {
                if (closing && drainDeadline == 0) {
                    startDrain();
                }
                if (!resumable.isEmpty() || !dirty.isEmpty() || !outbound.isEmpty() || !rereads.isEmpty()) {
                    selector.selectNow(this::ready);
                }
                else if (!servers.isEmpty() || drainDeadline != 0 || !lingering.isEmpty()) {
                    selector.select(this::ready, TIMEOUT_CHECK_MILLIS); // to notice a server that stopped answering, or the drain's end
                }
                else {
                    selector.select(this::ready);
                }
                if (serversAnswered) {
                    // Replies that servers' answers completed leave before new requests are read:
                    // at pipeline 1 that took a whole round's reading off their latency.
                    serversAnswered = false;
                    flush();
                }
                readAgain();
                try {
                    for (int i = 0; i < readyClients.size(); i++) {
                        serve(readyClients.get(i));
                    }
                }
                finally {
                    readyClients.clear();
                }
                round();
                if (drainDeadline != 0 && (openClients() == 0 || System.nanoTime() - drainDeadline > 0)) {
                    running = false;
                }
            }
            catch (IOException | RuntimeException | Error e) {
                // Errors too (a class that cannot be loaded, an out-of-memory that passed): a
                // loop thread that died would leave every client it serves hanging unanswered.
                logger.error("Event loop " + thread.getName() + " failed a round; carrying on", e);
            }
        }
        for (SelectionKey key : selector.keys()) {
            if (key.attachment() instanceof RespConnection<?> client) {
                client.close(); // past the deadline
            }
        }
        try {
            selector.close();
        }
        catch (IOException ignored) {
            // closing anyway
        }
    }

    /** Shutdown begins: every client's connection flushes this round, and closes its output once sent. */
    private void startDrain() {
        drainDeadline = System.nanoTime() + DRAIN_MILLIS * 1_000_000;
        RespConnection<?> arrived;
        while ((arrived = arrivals.poll()) != null) {
            register(arrived);
        }
        for (SelectionKey key : selector.keys()) {
            if (key.isValid() && key.attachment() instanceof RespConnection<?> client) {
                client.markDirty();
            }
        }
    }

    private int openClients() {
        int open = 0;
        for (SelectionKey key : selector.keys()) {
            if (key.isValid() && key.attachment() instanceof RespConnection<?>) {
                open++;
            }
        }
        return open;
    }

    /** How often replies overdue from servers are looked for. */
    private static final long TIMEOUT_CHECK_MILLIS = 100;

    /** Servers' connections are served as the selector reports them, clients' after (see run). */
    private void ready(SelectionKey key) {
        if (key.attachment() instanceof RespClientConnection) {
            serversAnswered |= key.isValid() && key.isReadable();
            serve(key);
        }
        else {
            readyClients.add(key);
        }
    }

    private void serve(SelectionKey key) {
        LoopConnection connection = (LoopConnection) key.attachment();
        if (!key.isValid()) {
            return;
        }
        int ready = key.readyOps();
        if ((ready & SelectionKey.OP_CONNECT) != 0) {
            connection.onConnectable();
        }
        if (key.isValid() && (ready & SelectionKey.OP_WRITE) != 0) {
            connection.onWritable();
        }
        if (key.isValid() && (ready & SelectionKey.OP_READ) != 0) {
            connection.onReadable();
        }
        if (connection.tls != null) {
            connection.afterTlsEvents((ready & SelectionKey.OP_READ) != 0, (ready & SelectionKey.OP_WRITE) != 0);
        }
    }

    /** Reads the TLS connections that may hold decrypted bytes (see {@link #readAgain}). */
    private void readAgain() {
        if (rereads.isEmpty()) {
            return;
        }
        List<LoopConnection> again = new ArrayList<>(rereads);
        rereads.clear();
        for (LoopConnection connection : again) {
            if (connection.isOpen() && connection.key != null && connection.key.isValid()
                    && (connection.desiredOps & SelectionKey.OP_READ) != 0) {
                connection.onReadable();
                connection.afterTlsEvents(false, false);
            }
        }
    }

    private void round() {
        RespConnection<?> arrived;
        while ((arrived = arrivals.poll()) != null) {
            register(arrived);
        }
        if (!resumable.isEmpty()) {
            List<RespConnection<?>> resuming = new ArrayList<>(resumable);
            resumable.clear();
            resuming.forEach(RespConnection::resumeRequests);
        }
        Runnable task;
        while ((task = tasks.poll()) != null) {
            task.run();
        }
        LoopConnection pushed;
        while ((pushed = flushRequests.poll()) != null) {
            pushed.flushRequestTaken();
        }
        checkReplyTimeouts(); // before the flush: the errors it gives are sent this round
        closeLingeringOverdue();
        flush();
    }

    /** Ends a round: the before-flush hook, then requests to servers, then the replies. */
    private void flush() {
        if (!dirty.isEmpty()) {
            try {
                beforeFlush.accept(List.copyOf(dirty));
            }
            catch (RuntimeException | Error e) {
                // The hook closed the connections whose replies must not leave; send the others.
                logger.warn("Before-flush hook failed: " + e);
            }
        }
        // Requests to servers first: their round trip overlaps with sending the replies.
        for (int i = 0; i < outbound.size(); i++) {
            outbound.get(i).flush();
        }
        outbound.clear();
        for (int i = 0; i < dirty.size(); i++) {
            dirty.get(i).flush();
        }
        dirty.clear();
    }

    private void checkReplyTimeouts() {
        if (servers.isEmpty()) {
            return;
        }
        long now = System.nanoTime();
        if (now - nextTimeoutCheck < 0) {
            return;
        }
        nextTimeoutCheck = now + TIMEOUT_CHECK_MILLIS * 1_000_000;
        for (RespClientConnection server : List.copyOf(servers)) {
            server.checkReplyTimeout(now);
        }
    }

    private void register(RespClientConnection connection) {
        try {
            int ops = connection.connected() ? SelectionKey.OP_READ : SelectionKey.OP_CONNECT;
            SelectionKey key = connection.channel().register(selector, ops, connection);
            servers.add(connection);
            connection.attach(this, key);
        }
        catch (ClosedChannelException e) {
            connection.close();
        }
    }

    private void register(RespConnection<?> connection) {
        try {
            SelectionKey key = connection.channel().register(selector, SelectionKey.OP_READ, connection);
            connection.attach(this, key);
        }
        catch (ClosedChannelException e) {
            connection.close();
        }
    }
}
