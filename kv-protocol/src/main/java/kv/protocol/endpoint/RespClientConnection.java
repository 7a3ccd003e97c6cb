package kv.protocol.endpoint;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import kv.protocol.resp.RespDecoder;
import kv.protocol.resp.RespProtocolException;
import kv.protocol.resp.RespValue;
import kv.protocol.tcp.ReplyList;
import kv.protocol.tcp.RequestBatch;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.core.serializer.Serializer;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessagingException;

/**
 * A service's connection to a RESP server behind it (kv-proxy to a backend), driven by an
 * {@link EventLoop}: the Spring Integration client connection under a TCP outbound gateway. A
 * request message ({@code Request}, or a {@link RequestBatch} sent pipelined) is written to an
 * output buffer that the loop sends with its round; the server's replies are read and decoded
 * on the loop's thread, and each request's answer (one {@link RespValue}, or a
 * {@link ReplyList} for a batch) goes to the gateway as one message.
 *
 * <p>Design note: Spring Integration's client connections read replies on a thread per
 * connection, which then has to wake the event loop to send them on: two threads and a
 * hand-off per forwarded round. Here the loop that forwarded the round reads the replies too.
 * So nothing on the loop thread may wait for a reply on a connection of its own loop: code that
 * blocks for a reply runs on other threads. A request not answered within the reply timeout
 * fails the connection, which gives the gateway an error for it and keeps the pooled
 * connection from being handed out again.
 */
public final class RespClientConnection extends LoopConnection {

    /** A request message sent and not yet answered: how many replies it is owed, and since when. */
    private record Owed(int replies, long sentNanos, boolean setUp) {
    }

    private final long replyTimeoutNanos;
    /** The server as {@code host:port}, for messages (the socket may not be connected yet). */
    private final String server;
    private final long connectDeadline;
    /** False while the non-blocking connect is under way; requests wait in the output meanwhile. */
    private volatile boolean connected;
    private final RespDecoder decoder = new RespDecoder();
    /** Requests sent and not answered yet, oldest first (guarded by writeLock: any thread may send). */
    private final ArrayDeque<Owed> owed = new ArrayDeque<>();
    /** Replies read so far of a batch being answered (loop thread only). */
    private List<RespValue> collecting = new ArrayList<>();

    /**
     * @param connected false if the channel's non-blocking connect is still under way
     */
    RespClientConnection(SocketChannel channel, String server, int port, boolean connected,
                         ApplicationEventPublisher publisher, String factoryName, long replyTimeoutMillis,
                         long connectTimeoutMillis) {
        super(channel, port, false, publisher, factoryName);
        this.server = server;
        this.connected = connected;
        this.replyTimeoutNanos = replyTimeoutMillis * 1_000_000;
        this.connectDeadline = System.nanoTime() + connectTimeoutMillis * 1_000_000;
    }

    boolean connected() {
        return connected;
    }

    /** The connect finished: send what was written meanwhile, or fail what waits on it. */
    @Override
    void onConnectable() {
        try {
            if (!channel.finishConnect()) {
                return;
            }
        }
        catch (IOException e) {
            fail(e);
            return;
        }
        connected = true;
        interest(SelectionKey.OP_READ);
        markDirty();
    }

    /** Called by the loop once the channel is registered with it; sends what was written before. */
    void attach(EventLoop eventLoop, SelectionKey selectionKey) {
        this.key = selectionKey;
        this.loop = eventLoop;
        this.desiredOps = selectionKey.interestOps();
        boolean pending;
        writeLock.lock();
        try {
            pending = output.pending() > 0;
        }
        finally {
            writeLock.unlock();
        }
        if (pending) {
            markDirty();
        }
    }

    /**
     * Sends {@code request} first on this connection (before it is registered with its loop):
     * the connection's own set-up, such as {@code AUTH} with the server's credentials. Its reply
     * goes to no one; an error reply fails the connection, and the requests sent on it with it.
     */
    @SuppressWarnings("unchecked")
    void setUp(Object request) throws IOException {
        writeLock.lock();
        try {
            ((Serializer<Object>) getSerializer()).serialize(request, output);
            owed.add(new Owed(1, System.nanoTime(), true));
        }
        finally {
            writeLock.unlock();
        }
    }

    // ---- any thread: sending

    @Override
    @SuppressWarnings("unchecked")
    public void send(Message<?> message) {
        Object request = getMapper().fromMessage(message);
        int replies = request instanceof RequestBatch batch ? batch.requests().size() : 1;
        writeLock.lock();
        try {
            if (!isOpen()) {
                throw new MessagingException(message, "connection " + getConnectionId() + " is closed");
            }
            ((Serializer<Object>) getSerializer()).serialize(request, output);
            owed.add(new Owed(replies, System.nanoTime(), false));
        }
        catch (IOException e) {
            throw new MessagingException(message, "cannot write the request", e);
        }
        finally {
            writeLock.unlock();
        }
        requestFlush();
    }

    /** Requests leave before the round's replies, so their round trip overlaps with sending those. */
    @Override
    void enlist(EventLoop eventLoop) {
        eventLoop.markOutbound(this);
    }

    /** Sends what the channel takes of the buffered requests (loop thread, once per round). */
    void flush() {
        dirty = false;
        if (!connected) {
            return; // sent once connected (onConnectable)
        }
        boolean sent = false;
        IOException failure = null;
        writeLock.lock();
        try {
            if (!isOpen()) {
                return;
            }
            sent = output.sendTo(io);
        }
        catch (IOException e) {
            failure = e;
        }
        finally {
            writeLock.unlock();
        }
        if (failure != null) {
            fail(failure);
            return;
        }
        interest(SelectionKey.OP_READ | (sent ? 0 : SelectionKey.OP_WRITE));
    }

    // ---- loop thread: reading replies

    @Override
    void onReadable() {
        try {
            if (input.fill(io) < 0) {
                fail(new EOFException("connection closed by " + server));
                return;
            }
            RespValue reply;
            while (isOpen() && (reply = decoder.decodeValue(input)) != null) {
                received(reply);
            }
        }
        catch (IOException e) { // RespProtocolException included: the stream cannot be trusted past it
            fail(e);
        }
    }

    /** The oldest request not answered yet, or null. */
    private Owed oldestOwed() {
        writeLock.lock();
        try {
            return owed.peek();
        }
        finally {
            writeLock.unlock();
        }
    }

    /** One reply read: a request's answer once all its replies are in. */
    private void received(RespValue reply) throws RespProtocolException {
        Owed head = oldestOwed();
        if (head == null) {
            throw new RespProtocolException("a reply to no request: " + reply);
        }
        if (head.setUp()) {
            writeLock.lock();
            try {
                owed.poll();
            }
            finally {
                writeLock.unlock();
            }
            if (reply instanceof RespValue.Error error) {
                // The message says which (wrong password, unknown user); the password is not in it.
                logger.warn("Server " + server + " refused this connection's set-up (AUTH): " + error.message());
                throw new RespProtocolException("connection set-up refused by " + server + ": " + error.message());
            }
            return;
        }
        Object answer;
        if (head.replies() == 1) {
            answer = reply;
        }
        else {
            collecting.add(reply);
            if (collecting.size() < head.replies()) {
                return;
            }
            answer = new ReplyList(collecting);
            collecting = new ArrayList<>();
        }
        writeLock.lock();
        try {
            owed.poll();
        }
        finally {
            writeLock.unlock();
        }
        try {
            deliver(answer);
        }
        catch (RuntimeException e) {
            logger.error("Handling a reply from " + server + " failed", e);
        }
    }

    /**
     * Fails the connection if it has not connected within the connect timeout, or if its oldest
     * request has waited longer than the reply timeout (loop thread).
     */
    void checkReplyTimeout(long nowNanos) {
        if (!connected && nowNanos - connectDeadline > 0) {
            fail(new SocketTimeoutException("cannot connect to " + server + " within the connect timeout"));
            return;
        }
        Owed head = oldestOwed();
        if (head != null && replyTimeoutNanos > 0 && nowNanos - head.sentNanos() > replyTimeoutNanos) {
            fail(new SocketTimeoutException("no reply from " + server + " within "
                    + replyTimeoutNanos / 1_000_000 + " ms"));
        }
    }

    /**
     * The connection cannot go on: closes it, and gives the gateway an error for the request it
     * waits on, if any, instead of leaving it to time out.
     */
    private void fail(Exception e) {
        boolean waiting = oldestOwed() != null;
        logger.debug("Connection " + getConnectionId() + " failed: " + e);
        closeConnection(true);
        if (waiting) {
            sendExceptionToListener(e);
        }
    }

    // ---- TcpConnection

    @Override
    public void close() {
        if (!markClosed()) {
            return;
        }
        writeLock.lock();
        try {
            output.clear();
        }
        finally {
            writeLock.unlock();
        }
        closeChannel();
        EventLoop current = loop;
        if (current != null) {
            current.remove(this);
        }
        super.close();
        forget();
    }
}
