package kv.protocol.endpoint;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

import kv.protocol.resp.Replies;
import kv.protocol.resp.PacedIterator;
import kv.protocol.resp.RespEncoder;
import kv.protocol.resp.RespProtocolException;
import kv.protocol.resp.RespValue;
import kv.protocol.tcp.DeferredReply;
import kv.protocol.tcp.MalformedRequest;
import kv.protocol.tcp.Reply;
import kv.protocol.tcp.ReplyBatch;
import kv.protocol.tcp.RequestBatch;
import kv.protocol.tcp.RespRequestDeserializer;
import kv.protocol.tcp.Response;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.core.serializer.Serializer;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessagingException;

/**
 * One RESP client connection of a kv service (server or proxy), served by an {@link EventLoop}:
 * a Spring Integration {@link org.springframework.integration.ip.tcp.connection.TcpConnectionSupport} whose requests are decoded from a
 * non-blocking channel and handed to the inbound gateway on the loop's thread. {@code S} is the
 * service's own per-client state, carried to its dispatcher.
 *
 * <p>Design note: replies are written into an output buffer; the loop sends each connection's
 * buffer once per round (see {@link EventLoop}), so a pipeline of N commands costs one read and
 * one write system call. Requests of one connection run one after the other on one thread, so
 * replies keep the order of requests. A client that does not read its replies is not read
 * either once {@link #OUTPUT_HIGH_WATER} of them wait, so a flooding client cannot make the
 * server buffer without bound.
 *
 * <p>Pushes (invalidations, pub/sub messages) may come from any thread and never wait: they are
 * queued ({@link #offerPush}) and moved to the output on the loop, before the next reply is
 * written and at each flush, so they keep their order and go after the replies written before
 * them. A subscribed client is bounded by its {@link OutputBufferLimit} (Redis's
 * {@code client-output-buffer-limit pubsub}) over its queued and unsent bytes: past it the
 * connection is closed, its queue dropped, and the publisher never notices.
 */
public class RespConnection<S> extends LoopConnection {

    /** Unsent reply bytes at which the connection stops reading requests until the client catches up. */
    static final int OUTPUT_HIGH_WATER = 1024 * 1024;

    /** Request bytes read ahead, at most, while the client waits for a reply (a {@link DeferredReply}). */
    static final int HELD_INPUT_LIMIT = 64 * 1024;

    private final S session;
    private final String address;
    /** Encoded pushes from any thread, not yet in the output; {@link #queuedBytes} is their size. */
    private final ConcurrentLinkedQueue<byte[]> pushes = new ConcurrentLinkedQueue<>();
    private final AtomicLong queuedBytes = new AtomicLong();
    /** The output's unsent bytes as of the last write or flush, for checks off the lock. */
    private volatile long unsentBytes;
    private volatile OutputBufferLimit pubSubLimit = OutputBufferLimit.PUBSUB_DEFAULT;
    private final OutputBufferLimit.Watch softLimitWatch = new OutputBufferLimit.Watch();
    /** Set once the client passed its output buffer limit: the loop closes it. */
    private volatile boolean overLimit;
    /**
     * Replies waiting behind a {@link DeferredReply} not yet resolved, in order (guarded by
     * writeLock): {@link Response}s, and the {@link Stream} of a streamed reply being written.
     */
    private final ArrayDeque<Object> waiting = new ArrayDeque<>();
    /**
     * Requests of a pipelined batch that came after a reply not known yet, handed back by the
     * service's handler ({@link DeferredReply#holdingBack}): they run, before anything read since,
     * once that reply is resolved (set and taken on the loop thread).
     */
    private RequestBatch heldBack;
    private volatile Runnable onClose;
    private volatile String rejection;
    /** A reply asked to close the connection once it has been sent (QUIT, a protocol error). */
    private volatile boolean closeAfterFlush;
    /** Shutting down, the last reply sent and a FIN with it: input is only read to be dropped (loop thread). */
    private boolean outputShut;
    /** Bytes read and dropped since the output was shut, and when the last of them came (loop thread). */
    private long droppedBytes;
    private long lastDroppedNanos = System.nanoTime();
    /** Unsent bytes at which the client is closed (Redis's client-output-buffer-limit, hard); 0: none. */
    private volatile long outputLimit;

    /**
     * @param session the service's state for this client
     * @param onClose runs once the connection closes (e.g. to forget the session); may be set
     *                later with {@link #onClose(Runnable)}
     */
    public RespConnection(SocketChannel channel, ApplicationEventPublisher publisher, String factoryName, S session,
                          Runnable onClose) {
        super(channel, true, publisher, factoryName);
        this.session = session;
        this.onClose = onClose == null ? () -> { } : onClose;
        this.address = addressOf(channel.socket());
        if (session instanceof Client client) {
            client.subscriptions().target(this::offerPush);
            client.pushTarget(this::offerPush);
            input.unauthenticatedWhile(client::mustAuthenticate);
        }
    }

    /** The limit on a subscribed client's unsent output (default Redis's {@code 32mb 8mb 60}). */
    public void pubSubLimit(OutputBufferLimit limit) {
        this.pubSubLimit = limit;
    }

    /** The remote address as {@code 127.0.0.1:53842}. */
    public static String addressOf(Socket socket) {
        InetSocketAddress remote = (InetSocketAddress) socket.getRemoteSocketAddress();
        return remote == null ? "?" : remote.getAddress().getHostAddress() + ":" + remote.getPort();
    }

    /** The local address of {@code socket} as {@code 127.0.0.1:7379}. */
    public static String localAddressOf(Socket socket) {
        InetSocketAddress local = (InetSocketAddress) socket.getLocalSocketAddress();
        return local == null ? "?" : local.getAddress().getHostAddress() + ":" + local.getPort();
    }

    public S session() {
        return session;
    }

    public void onClose(Runnable hook) {
        this.onClose = hook;
    }

    /** True on the event loop thread that reads this connection and runs its commands. */
    public boolean onLoopThread() {
        EventLoop current = loop;
        return current != null && current.inLoop();
    }

    /**
     * Closes the client once more than {@code bytes} of its replies and pushes wait unsent (it
     * reads slower than they come), as Redis's {@code client-output-buffer-limit} does; 0: no limit.
     */
    public void outputLimit(long bytes) {
        this.outputLimit = bytes;
    }

    /** True (and the connection closed) if its output is over the limit (writeLock held). */
    private boolean overOutputLimit() {
        long limit = outputLimit;
        if (limit <= 0 || output.pending() <= limit) {
            return false;
        }
        logger.warn("Closing client " + address + ": " + output.pending() + " bytes of replies unsent, over "
                + "the client output buffer limit of " + limit + " bytes (it does not read them fast enough)");
        outputLimitCloses.incrementAndGet();
        close();
        return true;
    }

    /** Clients closed for their output buffer, by every service in this JVM (INFO's client_output_buffer_limit_disconnections). */
    public static long outputLimitDisconnections() {
        return outputLimitCloses.get();
    }

    private static final java.util.concurrent.atomic.AtomicLong outputLimitCloses = new java.util.concurrent.atomic.AtomicLong();

    /** Instead of serving this client, tell it {@code message} (e.g. max clients reached) and close. */
    public void reject(String message) {
        this.rejection = message;
    }

    /** Called by the loop once the channel is registered with it. */
    void attach(EventLoop eventLoop, SelectionKey selectionKey) {
        this.loop = eventLoop;
        this.key = selectionKey;
        if (rejection != null) {
            writeLock.lock();
            try {
                RespEncoder.write(Replies.error(rejection), 2, output);
                closeAfterFlush = true;
            }
            catch (IOException e) {
                close();
                return;
            }
            finally {
                writeLock.unlock();
            }
            interest(0);
            markDirty();
        }
    }

    // ---- loop thread: reading and running requests

    /**
     * Reads into the loop's shared read buffer and decodes from it; only bytes left undecoded
     * (a request cut by the read, or read ahead while a reply is awaited) are kept, in a buffer
     * of this connection's own. An idle connection holds no read buffer.
     */
    @Override
    void onReadable() {
        byte[] shared = loop.readBuffer();
        try {
            readAndHandle(shared);
        }
        finally {
            input.detach(shared);
        }
    }

    private void readAndHandle(byte[] shared) {
        if (outputShut) {
            dropInput();
            return;
        }
        if (awaitingReply() || heldBack != null) {
            // Its next requests wait for the reply (and for the requests held back, which go first). Read them into the buffer meanwhile (up to a
            // bound): turning reading off and on again for every request cost two epoll_ctl
            // calls per request, 12% of kv-proxy's loop at pipeline 1.
            if (input.buffered() >= HELD_INPUT_LIMIT) {
                interest(desiredOps & ~SelectionKey.OP_READ); // read on once it is answered
                return;
            }
            try {
                if (input.fill(io, shared) < 0) {
                    close();
                }
            }
            catch (IOException e) {
                logger.debug("Read from " + address + " failed: " + e);
                close();
            }
            return;
        }
        int n;
        try {
            n = input.fill(io, shared);
        }
        catch (RespProtocolException e) {
            dispatch(new MalformedRequest(e.getMessage()));
            return;
        }
        catch (IOException e) {
            logger.debug("Read from " + address + " failed: " + e);
            close(); // a client that resets its connection is routine, not an error worth a log line
            return;
        }
        if (n < 0) {
            close();
            return;
        }
        handleRequests();
    }

    /** Runs the requests held back (see {@link EventLoop#resume}), then drops the read buffer if they were all. */
    void resumeRequests() {
        handleRequests();
        input.detach(loop.readBuffer());
    }

    /** Runs every whole request buffered, unless replies pile up unsent. */
    private void handleRequests() {
        RespRequestDeserializer deserializer = (RespRequestDeserializer) getDeserializer();
        while (isOpen() && !closing() && !loop.closing() && output.pending() < OUTPUT_HIGH_WATER && !awaitingReply()) {
            Object request = heldBack;
            heldBack = null;
            if (request == null) {
                request = deserializer.next(input);
            }
            if (request == null) {
                return; // the rest has not arrived; decoding goes on from where it stopped
            }
            dispatch(request);
        }
    }

    private boolean closing() {
        return closeAfterFlush;
    }

    /**
     * True while a reply of this client is not known yet (a {@link DeferredReply}) or is still
     * being streamed: its next request waits, as it would if the client sent one at a time.
     */
    private boolean awaitingReply() {
        writeLock.lock();
        try {
            return !waiting.isEmpty();
        }
        finally {
            writeLock.unlock();
        }
    }

    private void dispatch(Object request) {
        try {
            deliver(request);
        }
        catch (RuntimeException | Error e) {
            // Closed either way: a request left without its reply would hang the client.
            logger.error("Request from " + address + " failed; closing the connection", e);
            close();
        }
    }

    // ---- any thread: writing

    @Override
    @SuppressWarnings("unchecked")
    public void send(Message<?> message) {
        if (!(getMapper().fromMessage(message) instanceof Response reply)) {
            throw new MessagingException(message, "a reply to " + address + " must be a " + Response.class.getName());
        }
        Response.Ready now = reply.ready();
        writeLock.lock();
        try {
            if (!isOpen()) {
                return; // aborted: the reply must not leave
            }
            if (reply instanceof DeferredReply deferred) {
                RequestBatch rest = deferred.takeHeldBack();
                if (rest != null) {
                    heldBack = rest; // sent from dispatch, on the loop thread: runs after this reply
                }
            }
            if (now == null || !waiting.isEmpty() || streams(now)) {
                waiting.add(reply);
                if (reply instanceof DeferredReply deferred) {
                    deferred.whenResolved(this::requestFlush);
                }
            }
            else {
                drainPushes(Integer.MAX_VALUE); // queued before this reply: they go first
                ((Serializer<Object>) getSerializer()).serialize(now, output);
                closeAfterFlush |= now.closeAfterWrite();
                unsentBytes = output.pending();
                if (overOutputLimit()) {
                    return;
                }
                releaseHeld();
            }
        }
        catch (IOException | RuntimeException e) {
            close();
            throw new MessagingException(message, "reply to " + address + " failed", e);
        }
        finally {
            writeLock.unlock();
        }
        requestFlush();
    }

    /**
     * Sends a RESP3 push (an invalidation) from any thread, without waiting: it goes after the
     * replies and pushes already buffered and leaves with the loop's next round, after that
     * round's writes are applied.
     */
    public void push(RespValue value) {
        java.io.ByteArrayOutputStream encoded = new java.io.ByteArrayOutputStream(64);
        try {
            RespEncoder.write(value, 3, encoded);
        }
        catch (IOException e) {
            throw new java.io.UncheckedIOException(e); // a byte array does not fail
        }
        offerPush(encoded.toByteArray());
    }

    /** As {@link #push}, which never waits for this connection's lock either: always true. */
    public boolean tryPush(RespValue value) {
        push(value);
        return true;
    }

    /**
     * Queues one encoded push from any thread, never waiting for this connection (its lock or
     * its socket). A subscribed client past its {@link OutputBufferLimit}'s hard limit gets no
     * more: the push is dropped and the loop closes the connection.
     *
     * @return false if dropped (closed, or over the limit)
     */
    public boolean offerPush(byte[] encoded) {
        if (!isOpen() || overLimit) {
            return false;
        }
        long queued = queuedBytes.addAndGet(encoded.length);
        if (limited() && pubSubLimit.hardExceeded(queued + unsentBytes)) {
            queuedBytes.addAndGet(-encoded.length);
            overLimit = true;
            requestFlush(); // the loop closes it
            return false;
        }
        pushes.add(encoded);
        requestFlush();
        return true;
    }

    /**
     * Writes {@code value} from any thread after every reply handed to this connection so far,
     * including replies not resolved yet: a pub/sub message never overtakes the confirmation of
     * the SUBSCRIBE before it. {@code protocol} 2 writes a RESP2 array (subscriber mode). Bounded
     * by the pub/sub class's hard limit, as {@link #offerPush} is: past it the loop closes the client.
     */
    public void pushInOrder(RespValue value, int protocol) {
        writeLock.lock();
        try {
            if (!isOpen()) {
                return;
            }
            if (waiting.isEmpty()) {
                drainPushes(Integer.MAX_VALUE); // pushes queued before it go first
                RespEncoder.write(value, protocol, output);
                if (pubSubLimit.hardExceeded(output.pending() + queuedBytes.get())) {
                    overLimit = true; // a subscriber that does not read: the loop closes it
                }
            }
            else {
                waiting.add(new Reply(value, protocol, false));
            }
        }
        catch (IOException | RuntimeException e) {
            close();
        }
        finally {
            writeLock.unlock();
        }
        requestFlush();
    }

    /**
     * True if the pub/sub output limit applies: the client is subscribed (Redis's pubsub class),
     * or a MONITOR (Redis leaves a monitor unbounded in its normal class by default; kv bounds
     * what it queues for one, so a monitor that does not read never grows the server's memory).
     */
    private boolean limited() {
        return session instanceof Client client && (client.subscribed() || client.monitoring());
    }

    /** Moves queued pushes to the output (writeLock held) until {@code limit} bytes wait there. */
    private void drainPushes(int limit) {
        byte[] push;
        while (output.pending() < limit && (push = pushes.poll()) != null) {
            queuedBytes.addAndGet(-push.length);
            output.write(push, 0, push.length);
        }
    }

    /** Queued pushes and unsent output, as the output buffer limit counts them (tests, CLIENT LIST). */
    public long outputBytes() {
        return queuedBytes.get() + unsentBytes;
    }

    /** Replies are sent with the round's other replies, after the round's writes are applied. */
    @Override
    void enlist(EventLoop eventLoop) {
        eventLoop.markDirty(this);
    }

    /**
     * Sends what the channel takes of the buffered replies (loop thread, after the round's
     * before-flush hook), then decides what to wait for: more requests, or room to send.
     */
    void flush() {
        dirty = false;
        boolean sent = false;
        boolean failed = false;
        int pending = 0;
        int unresolved = 0;
        if (overLimit || limited() && pubSubLimit.exceeded(outputBytes(), softLimitWatch, System.nanoTime())) {
            logger.warn("Client " + (session instanceof Client client ? "id=" + client.id() + " " : "") + "addr=" + address
                    + " closed for overcoming of output buffer limits ("
                    + "client-output-buffer-limit pubsub " + pubSubLimit + ")");
            close();
            return;
        }
        writeLock.lock();
        try {
            if (!isOpen()) {
                return;
            }
            // Pushes up to a slice ahead of the socket; the rest stay queued (counted all the same).
            drainPushes(STREAM_SLICE);
            writeResolved();
            sent = output.sendTo(io);
            if (sent && streaming()) {
                writeResolved(); // one more slice this round; the rest as the socket drains
                sent = output.sendTo(io) && !streaming();
            }
            pending = output.pending();
            unsentBytes = pending;
            unresolved = waiting.size();
            if (!sent && overOutputLimit()) {
                return;
            }
        }
        catch (IOException e) {
            logger.debug("Write to " + address + " failed: " + e);
            failed = true;
        }
        finally {
            writeLock.unlock();
        }
        boolean closeNow = failed || sent && closeAfterFlush;
        if (closeNow && !failed && input.refusedByBudget() && key.isValid()) {
            // Refused in the middle of sending a large request: it is still sending. Read and
            // drop the rest for a moment, so that it gets to read its error (closing with its
            // bytes unread would reset the connection before it could).
            shutOutput();
            loop.linger(this);
            return;
        }
        if (closeNow) {
            close();
            return;
        }
        if (!key.isValid()) {
            return;
        }
        if (sent && unresolved > 0) {
            // Requests read meanwhile run once the outstanding reply is resolved and sent.
            interest(input.buffered() < HELD_INPUT_LIMIT ? SelectionKey.OP_READ : 0);
        }
        else if (sent && loop.closing()) {
            shutOutput();
        }
        else if (sent) {
            interest(SelectionKey.OP_READ);
            if (!pushes.isEmpty()) {
                markDirty(); // more pushes than one slice: on with the next round
            }
            if (!closing() && (input.buffered() > 0 || heldBack != null)) {
                loop.resume(this); // requests held back while replies piled up or awaited
            }
        }
        else {
            boolean keepReading = pending < OUTPUT_HIGH_WATER && !closing() && unresolved == 0 && !loop.closing();
            interest(SelectionKey.OP_WRITE | (keepReading ? SelectionKey.OP_READ : 0));
        }
    }

    /**
     * Moves the replies whose turn has come from {@link #waiting} to the output (writeLock held).
     * A streamed reply (DUMP) is written a slice at a time, as the client reads: at most
     * {@link #STREAM_SLICE} bytes wait in the output, so a listing of any size takes no more memory.
     */
    @SuppressWarnings("unchecked")
    private void writeResolved() throws IOException {
        while (!waiting.isEmpty()) {
            Object next = waiting.peek();
            if (next instanceof Stream stream) {
                if (!stream.writeSome(output, STREAM_SLICE)) {
                    return; // more once the client has read this much
                }
                waiting.poll();
                continue;
            }
            Response.Ready reply = ((Response) next).ready();
            if (reply == null) {
                return;
            }
            waiting.poll();
            if (reply instanceof ReplyBatch batch && streams(batch)) {
                List<Reply> replies = batch.replies();
                for (int i = replies.size() - 1; i >= 0; i--) {
                    waiting.addFirst(replies.get(i)); // one by one, so the stream among them keeps its place
                }
                continue;
            }
            if (reply instanceof Reply r && r.value() instanceof RespValue.StreamedArray array) {
                waiting.addFirst(new Stream(array, r.protocol(), this::requestFlush));
                closeAfterFlush |= r.closeAfterWrite();
                continue;
            }
            ((Serializer<Object>) getSerializer()).serialize(reply, output);
            closeAfterFlush |= reply.closeAfterWrite();
            releaseHeld();
        }
    }

    /** Replies written: messages held behind a SUBSCRIBE's confirmation may follow it now (see Subscriptions). */
    private void releaseHeld() {
        if (session instanceof Client client) {
            client.subscriptions().release();
        }
    }

    /** Most bytes of a streamed reply written ahead of what the client has read. */
    private static final int STREAM_SLICE = 256 * 1024;

    private static boolean streams(Response.Ready reply) {
        if (reply instanceof Reply r) {
            return r.value() instanceof RespValue.StreamedArray;
        }
        if (reply instanceof ReplyBatch batch) {
            for (Reply r : batch.replies()) {
                if (r.value() instanceof RespValue.StreamedArray) {
                    return true;
                }
            }
        }
        return false;
    }

    private boolean streaming() {
        return waiting.peek() instanceof Stream;
    }

    /** A streamed array being written: its header, then elements as the output drains. */
    private static final class Stream {
        private final RespValue.StreamedArray array;
        private final int protocol;
        /** Asks for another flush of the connection (any thread): elements produced elsewhere are ready. */
        private final Runnable wake;
        private Iterator<RespValue> elements;
        private long written;

        Stream(RespValue.StreamedArray array, int protocol, Runnable wake) {
            this.array = array;
            this.protocol = protocol;
            this.wake = wake;
        }

        /**
         * Writes elements until {@code limit} bytes wait in {@code output}, or until none is
         * ready (a {@link PacedIterator}'s producer is behind: it wakes the connection when
         * there are more); true when all are written.
         */
        boolean writeSome(ChannelOutput output, int limit) throws IOException {
            if (elements == null) {
                RespEncoder.arrayHeader(array.size(), output);
                elements = array.elements().iterator();
            }
            while (output.pending() < limit) {
                if (elements instanceof PacedIterator paced && !paced.ready()) {
                    paced.whenReady(wake);
                    return false;
                }
                if (!elements.hasNext()) {
                    close();
                    if (written != array.size()) {
                        throw new IOException("streamed " + written + " elements, declared " + array.size());
                    }
                    return true;
                }
                RespEncoder.write(elements.next(), protocol, output);
                written++;
            }
            return false;
        }

        /** Releases what the elements are read from (a store snapshot). */
        void close() {
            if (elements instanceof AutoCloseable closeable) {
                try {
                    closeable.close();
                }
                catch (Exception ignored) {
                    // released anyway
                }
            }
        }
    }

    // ---- loop thread: closing cleanly at shutdown (see EventLoop#shutdown)

    /** Every reply has left: half-close (the client reads them, then end of stream) and wait for the client's end. */
    private void shutOutput() {
        outputShut = true;
        try {
            if (tls != null) {
                tls.shutdownOutput();
            }
            channel.shutdownOutput();
        }
        catch (IOException e) {
            close();
            return;
        }
        interest(SelectionKey.OP_READ);
    }

    /** Reads what the client still sends after the FIN, so that closing leaves nothing unread (an RST). */
    private void dropInput() {
        try {
            int n = 0;
            for (int reads = 0; reads < 16 && (n = channel.read(loop.discarded())) > 0; reads++) {
                droppedBytes += n; // a client that keeps sending is read again next round, until a deadline
                lastDroppedNanos = System.nanoTime();
            }
            if (n < 0) {
                close(); // the client closed its end: both ends are done, no RST
            }
        }
        catch (IOException e) {
            close();
        }
    }

    long droppedBytes() {
        return droppedBytes;
    }

    long lastDroppedNanos() {
        return lastDroppedNanos;
    }

    // ---- TcpConnection

    @Override
    public void close() {
        if (!markClosed()) {
            return;
        }
        try {
            if (session instanceof Client client) {
                client.subscriptions().clear();
            }
            onClose.run();
        }
        finally {
            pushes.clear();
            queuedBytes.set(0);
            writeLock.lock();
            try {
                output.clear();
                for (Object item : waiting) {
                    if (item instanceof Stream stream) {
                        stream.close();
                    }
                }
                waiting.clear();
            }
            finally {
                writeLock.unlock();
            }
            input.releaseReserved();
            closeChannel();
            super.close();
            forget();
        }
    }
}
