package kv.protocol.endpoint;

import java.io.IOException;
import java.nio.channels.ByteChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

import javax.net.ssl.SSLSession;

import kv.protocol.resp.RespInput;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.integration.ip.tcp.connection.TcpConnectionSupport;
import org.springframework.integration.ip.tcp.connection.TcpListener;
import org.springframework.messaging.Message;

/**
 * What every connection an {@link EventLoop} drives has, at either end: a client's connection to
 * the service ({@link RespConnection}) or the service's connection to a server behind it
 * ({@link RespClientConnection}). A non-blocking channel, its input and output buffers, the lock
 * under which other threads may write output, and the flush requests by which that output
 * reaches the loop's round. There is no reader thread: the loop reads.
 */
abstract class LoopConnection extends TcpConnectionSupport {

    /** Bytes read at once. */
    static final int BUFFER_SIZE = 16 * 1024;
    /** The first output buffer of a round's replies (it doubles as they need). */
    static final int OUTPUT_BUFFER_SIZE = 4 * 1024;

    final SocketChannel channel;
    /** What bytes are read from and written to: the socket, or the TLS layer over it ({@link #tls}). */
    ByteChannel io;
    /** The TLS layer, or null on a plain connection. */
    TlsTransport tls;
    /** What the connection waits for, before the TLS layer's needs are added ({@link #interest}; loop thread). */
    int desiredOps = SelectionKey.OP_READ;
    final RespInput input = RespInput.fedBy(BUFFER_SIZE);
    final ChannelOutput output = new ChannelOutput(OUTPUT_BUFFER_SIZE);
    /** Guards {@link #output}, and what the subclass says: other threads write to it. */
    final ReentrantLock writeLock = new ReentrantLock();
    volatile EventLoop loop;
    SelectionKey key;
    /** What is being mapped to a message right now (loop thread). */
    Object payload;
    /** On the loop's list of connections to flush this round (loop thread only). */
    boolean dirty;
    private final AtomicBoolean open = new AtomicBoolean(true);
    private final AtomicBoolean flushRequested = new AtomicBoolean();
    /** Takes the closed connection off its factory's list of connections. */
    private volatile Runnable forget = () -> { };
    private final int port;

    LoopConnection(SocketChannel channel, boolean server, ApplicationEventPublisher publisher, String factoryName) {
        this(channel, channel.socket().getPort(), server, publisher, factoryName);
    }

    /** @param port the peer's port, given when the channel is still connecting */
    LoopConnection(SocketChannel channel, int port, boolean server, ApplicationEventPublisher publisher,
                   String factoryName) {
        super(channel.socket(), server, false, publisher, factoryName);
        this.channel = channel;
        this.io = channel;
        this.port = port;
    }

    /** Speaks TLS over the socket from now on (before the connection is registered with a loop). */
    final void useTls(TlsTransport transport) {
        this.io = transport;
        this.tls = transport;
        transport.onTaskDone(() -> {
            EventLoop current = loop;
            if (current != null) {
                current.execute(this::tlsTaskDone);
            }
        });
    }

    /**
     * Sets what the loop waits for on this connection: {@code ops}, and what the TLS layer needs
     * to go on; a change only, since each costs the selector work (loop thread).
     */
    final void interest(int ops) {
        desiredOps = ops;
        applyInterest();
    }

    final void applyInterest() {
        if (key == null || !key.isValid()) {
            return;
        }
        int ops = tls == null ? desiredOps : tls.adjust(desiredOps);
        if (key.interestOps() != ops) {
            key.interestOps(ops);
        }
    }

    /**
     * After the loop served this TLS connection's events (loop thread): retries what the TLS
     * layer made wait on the other direction, reads again next round if decrypted bytes may be
     * waiting unseen, and waits for what the TLS layer needs now.
     */
    final void afterTlsEvents(boolean readable, boolean writable) {
        if (!isOpen() || key == null || !key.isValid()) {
            return;
        }
        if (writable && tls.readWaitsForWrite()) {
            onReadable();
        }
        if (readable && tls.writeWaitsForRead()) {
            markDirty();
        }
        if (isOpen() && tls.mayHaveBufferedInput() && (desiredOps & SelectionKey.OP_READ) != 0) {
            loop.readAgain(this);
        }
        applyInterest();
    }

    /** A TLS delegated task has ended (loop thread): the handshake goes on where it stopped. */
    private void tlsTaskDone() {
        if (!isOpen() || key == null || !key.isValid()) {
            return;
        }
        onReadable();
        markDirty();
        afterTlsEvents(false, false);
    }

    SocketChannel channel() {
        return channel;
    }

    /** Publishes the connection-open event (for listeners of Spring Integration's TCP events). */
    void opened() {
        publishConnectionOpenEvent();
    }

    /** Hands {@code what} (a request, or a server's answer) to the listener, the gateway, as a message. */
    final void deliver(Object what) {
        payload = what;
        Message<?> message = getMapper().toMessage(this);
        payload = null;
        TcpListener listener = getListener();
        if (message != null && listener != null) {
            listener.onMessage(message);
        }
    }

    /** The channel has bytes to read (loop thread). */
    abstract void onReadable();

    /** Puts this connection on the loop's list of connections to flush at the round's end (loop thread). */
    abstract void enlist(EventLoop eventLoop);

    /** The output written leaves with the loop's round: this one, or the next if on another thread. */
    final void requestFlush() {
        EventLoop current = loop;
        if (current == null) {
            return; // not registered yet: attaching sends what is buffered
        }
        if (current.inLoop()) {
            markDirty();
        }
        else if (flushRequested.compareAndSet(false, true)) {
            current.requestFlush(this);
        }
    }

    /** The loop took this connection's flush request, made on another thread, off its queue (loop thread). */
    final void flushRequestTaken() {
        flushRequested.set(false);
        markDirty();
    }

    final void markDirty() {
        if (!dirty) {
            dirty = true;
            enlist(loop);
        }
    }

    /** A connect under way has completed or failed (loop thread). */
    void onConnectable() {
    }

    /** The socket takes bytes again: send the rest with the round (loop thread). */
    void onWritable() {
        markDirty();
    }

    /** Closes the socket; the caller has released what else the connection held. */
    final void closeChannel() {
        try {
            channel.close();
        }
        catch (IOException ignored) {
            // closing anyway
        }
    }

    /** How the factory takes this connection off its list once it is closed (set once, before it is served). */
    final void forgetWith(Runnable forget) {
        this.forget = forget;
    }

    /** The connection has closed: its factory forgets it (the last step of {@code close}). */
    final void forget() {
        forget.run();
    }

    /** True for the one caller that gets to close the connection. */
    final boolean markClosed() {
        return open.compareAndSet(true, false);
    }

    @Override
    public boolean isOpen() {
        return open.get();
    }

    /** The event loop drives this connection; there is no reader thread to run. */
    @Override
    public void run() {
    }

    @Override
    public Object getPayload() {
        return payload;
    }

    @Override
    public int getPort() {
        return port;
    }

    @Override
    public Object getDeserializerStateKey() {
        return input;
    }

    /** The TLS session (protocol, cipher, the peer's certificates), or null if plain or still handshaking. */
    @Override
    public SSLSession getSslSession() {
        return tls == null ? null : tls.session();
    }
}
