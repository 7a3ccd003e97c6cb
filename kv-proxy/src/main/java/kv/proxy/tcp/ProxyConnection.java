package kv.proxy.tcp;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.util.concurrent.locks.ReentrantLock;

import kv.protocol.resp.RespInput;
import kv.protocol.resp.RespOutput;
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
 * <p>Design note: the same technique as kv-server's {@code KvConnection} (copied, not shared, until
 * the pattern moves to kv-protocol): the reader thread writes replies into a buffer and flushes it
 * only when it is about to block for more input, so a pipeline of N commands costs one read and
 * one write system call. The reader thread also runs the command (a direct channel), which is what
 * keeps a client's pipelined replies in order.
 */
final class ProxyConnection extends TcpNetConnection {

    private final RespInput input;
    private final RespOutput output;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final ClientSession session;
    private final ClientRegistry registry;
    private volatile Thread reader;

    ProxyConnection(Socket socket, ApplicationEventPublisher publisher, String factoryName, ClientSession session,
                    ClientRegistry registry) {
        super(socket, true, false, publisher, factoryName);
        this.session = session;
        this.registry = registry;
        try {
            this.input = new RespInput(socket.getInputStream(), 16 * 1024);
            this.output = new RespOutput(socket.getOutputStream(), 16 * 1024);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.input.setBeforeBlockingRead(this::flushQuietly);
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

    private void flushQuietly() {
        if (!output.pending()) {
            return;
        }
        writeLock.lock();
        try {
            output.flush();
        }
        catch (IOException e) {
            // The peer went away; the read that follows fails and closes the connection.
        }
        finally {
            writeLock.unlock();
        }
    }

    @Override
    public void close() {
        registry.close(session);
        super.close();
    }
}
