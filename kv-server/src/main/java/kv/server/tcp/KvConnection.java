package kv.server.tcp;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.util.concurrent.locks.ReentrantLock;

import kv.protocol.resp.RespEncoder;
import kv.protocol.resp.RespInput;
import kv.protocol.resp.RespOutput;
import kv.protocol.resp.Replies;
import kv.protocol.tcp.Reply;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.core.serializer.Serializer;
import org.springframework.integration.ip.tcp.connection.TcpNetConnection;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessagingException;

/**
 * One client connection: a Spring Integration {@link TcpNetConnection} whose reads are
 * buffered and whose replies are flushed once per pipelined batch.
 *
 * <p>Design note: the stock connection flushes after every reply and lets the deserializer read
 * the raw socket a byte at a time. Here the reader thread writes replies into a buffer and
 * flushes it only when it is about to block waiting for more input (see {@link RespInput}), so
 * a pipeline of N commands costs one read and one write system call, and a lone command is
 * still answered at once. Just before replies reach the socket, the writes they acknowledge are
 * made durable (one log write per batch). Pushes from other threads are flushed immediately.
 */
final class KvConnection extends TcpNetConnection {

    private final RespInput input;
    private final RespOutput output;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final ClientSession session;
    private final ClientRegistry registry;
    private final String rejection;
    private volatile Thread reader;

    KvConnection(Socket socket, ApplicationEventPublisher publisher, String factoryName, ClientSession session,
                 ClientRegistry registry, Runnable makeDurable, String rejection) {
        super(socket, true, false, publisher, factoryName);
        this.session = session;
        this.registry = registry;
        this.rejection = rejection;
        try {
            this.input = new RespInput(socket.getInputStream(), 16 * 1024);
            this.output = new RespOutput(socket.getOutputStream(), 16 * 1024);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.input.setBeforeBlockingRead(this::flushQuietly);
        this.output.setBeforeSend(() -> {
            if (session.takeUnloggedWrites()) {
                makeDurable.run();
            }
        });
        session.pushSink(this::push);
    }

    ClientSession session() {
        return session;
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
        boolean closeAfter = reply instanceof Reply r && r.closeAfterWrite();
        writeLock.lock();
        try {
            ((Serializer<Object>) getSerializer()).serialize(reply, output);
            if (closeAfter || Thread.currentThread() != reader) {
                output.flush();
            }
        }
        catch (IOException | RuntimeException e) {
            closeConnection(true);
            throw new MessagingException(message, "reply to " + session.address() + " failed", e);
        }
        finally {
            writeLock.unlock();
        }
        if (closeAfter) {
            close();
        }
    }

    /**
     * Writes a RESP3 push (an invalidation) from whichever thread made the write. On the reader
     * thread it joins the batch of replies; from elsewhere it is flushed at once.
     */
    private void push(kv.protocol.resp.RespValue value) {
        if (!isOpen()) {
            return;
        }
        writeLock.lock();
        try {
            RespEncoder.write(value, 3, output);
            if (Thread.currentThread() != reader) {
                output.flush();
            }
        }
        catch (IOException e) {
            closeConnection(true);
        }
        finally {
            writeLock.unlock();
        }
    }

    private void flushQuietly() {
        if (!output.pending()) {
            return;
        }
        writeLock.lock();
        try {
            output.flush();
        }
        catch (IOException | RuntimeException e) {
            // The peer went away, or the log could not be written (then nothing is acknowledged):
            // either way the connection closes and the read that follows notices.
            closeConnection(true);
        }
        finally {
            writeLock.unlock();
        }
    }

    @Override
    public void close() {
        session.tracking(null);
        registry.close(session);
        super.close();
    }
}
