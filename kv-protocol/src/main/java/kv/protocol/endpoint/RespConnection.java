package kv.protocol.endpoint;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.util.concurrent.locks.ReentrantLock;

import kv.protocol.resp.Replies;
import kv.protocol.resp.RespEncoder;
import kv.protocol.resp.RespInput;
import kv.protocol.resp.RespOutput;
import kv.protocol.resp.RespValue;
import kv.protocol.tcp.Reply;
import kv.protocol.tcp.ReplyBatch;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.core.serializer.Serializer;
import org.springframework.integration.ip.tcp.connection.TcpNetConnection;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessagingException;

/**
 * One RESP client connection of a kv service (server or proxy): a Spring Integration
 * {@link TcpNetConnection} whose reads are buffered and whose replies are flushed once per
 * pipelined batch. {@code S} is the service's own per-client state, carried to its dispatcher.
 *
 * <p>Design note: the stock connection flushes after every reply and lets the deserializer read
 * the raw socket a byte at a time. Here the reader thread (which also runs the command, through
 * a direct channel: that is what keeps pipelined replies in order) writes replies into a buffer
 * and flushes it only when it is about to block waiting for more input (see {@link RespInput}).
 * A pipeline of N commands thus costs one read and one write system call, and a lone command is
 * still answered at once. A hook runs just before buffered bytes reach the socket: the server
 * makes the batch's writes durable there. Pushes sent from other threads are flushed at once.
 */
public class RespConnection<S> extends TcpNetConnection {

    private final RespInput input;
    private final RespOutput output;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final S session;
    private final String address;
    private volatile Runnable onClose;
    private volatile String rejection;
    private volatile Thread reader;
    /** The reader has flushed everything and waits for input (guarded by writeLock). */
    private boolean idle;

    /**
     * @param session the service's state for this client
     * @param onClose runs once the connection closes (e.g. to forget the session); may be set
     *                later with {@link #onClose(Runnable)}
     */
    public RespConnection(Socket socket, ApplicationEventPublisher publisher, String factoryName, S session,
                          Runnable onClose) {
        super(socket, true, false, publisher, factoryName);
        this.session = session;
        this.onClose = onClose == null ? () -> { } : onClose;
        this.address = addressOf(socket);
        try {
            this.input = new RespInput(socket.getInputStream(), 16 * 1024);
            this.output = new RespOutput(socket.getOutputStream(), 16 * 1024);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.input.setBeforeBlockingRead(this::flushQuietly);
    }

    /** The remote address as {@code 127.0.0.1:53842}. */
    public static String addressOf(Socket socket) {
        return socket.getInetAddress().getHostAddress() + ":" + socket.getPort();
    }

    public S session() {
        return session;
    }

    /** Runs before buffered replies reach the socket, on whichever thread flushes them. */
    public void setBeforeSend(Runnable hook) {
        output.setBeforeSend(hook);
    }

    public void onClose(Runnable hook) {
        this.onClose = hook;
    }

    /** True on the thread that reads this connection and runs its commands. */
    public boolean onReaderThread() {
        return Thread.currentThread() == reader;
    }

    /** Instead of serving this client, tell it {@code message} (e.g. max clients reached) and close. */
    public void reject(String message) {
        this.rejection = message;
    }

    @Override
    protected InputStream inputStream() {
        return input;
    }

    @Override
    public void run() {
        reader = Thread.currentThread();
        if (rejection != null) {
            try {
                RespEncoder.write(Replies.error(rejection), 2, output);
                output.flush();
            }
            catch (IOException ignored) {
                // the client is gone already
            }
            close();
            return;
        }
        super.run();
    }

    @Override
    @SuppressWarnings("unchecked")
    public void send(Message<?> message) {
        Object reply = getMapper().fromMessage(message);
        boolean closeAfter = reply instanceof Reply r && r.closeAfterWrite()
                || reply instanceof ReplyBatch batch && batch.closeAfterWrite();
        writeLock.lock();
        try {
            if (Thread.currentThread() == reader) {
                idle = false;
            }
            ((Serializer<Object>) getSerializer()).serialize(reply, output);
            if (closeAfter || Thread.currentThread() != reader) {
                output.flush();
            }
        }
        catch (IOException | RuntimeException e) {
            closeConnection(true);
            throw new MessagingException(message, "reply to " + address + " failed", e);
        }
        finally {
            writeLock.unlock();
        }
        if (closeAfter) {
            close();
        }
    }

    /**
     * Writes a RESP3 push (an invalidation) from any thread. It goes after the replies already
     * buffered. If the reader is busy, the push leaves with the reader's next flush (the reader
     * decides when its replies may leave); if the reader waits for input, it is flushed at once.
     */
    public void push(RespValue value) {
        if (!isOpen()) {
            return;
        }
        writeLock.lock();
        try {
            RespEncoder.write(value, 3, output);
            if (idle && Thread.currentThread() != reader) {
                output.flush();
            }
        }
        catch (IOException | RuntimeException e) {
            closeConnection(true);
        }
        finally {
            writeLock.unlock();
        }
    }

    /**
     * Like {@link #push} but never waits for this connection's lock: false if another thread
     * holds it (then the caller delivers the push some other way). A thread that holds its own
     * connection's lock can therefore push to others without risking a deadlock.
     */
    public boolean tryPush(RespValue value) {
        if (!writeLock.tryLock()) {
            return false;
        }
        try {
            if (isOpen()) {
                RespEncoder.write(value, 3, output);
                if (idle && Thread.currentThread() != reader) {
                    output.flush();
                }
            }
        }
        catch (IOException | RuntimeException e) {
            closeConnection(true);
        }
        finally {
            writeLock.unlock();
        }
        return true;
    }

    private void flushQuietly() {
        writeLock.lock();
        try {
            if (output.pending()) {
                output.flush();
            }
            idle = true;
        }
        catch (IOException | RuntimeException e) {
            // The peer went away, or the before-send hook failed (then nothing was sent):
            // either way the connection closes, and the read that follows notices.
            closeConnection(true);
        }
        finally {
            writeLock.unlock();
        }
    }

    /** A client that resets its connection is routine, not an error worth a log line. */
    @Override
    protected boolean handleReadException(Exception exception) {
        if (exception instanceof java.net.SocketException
                || exception.getCause() instanceof java.net.SocketException) {
            setNoReadErrorOnClose(true);
        }
        return super.handleReadException(exception);
    }

    @Override
    public void close() {
        onClose.run();
        super.close();
    }
}
