package kv.proxy.backend;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import kv.protocol.resp.RespInput;
import kv.protocol.tcp.RequestBatch;
import org.springframework.messaging.Message;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.integration.ip.tcp.connection.TcpNetConnection;
import org.springframework.integration.ip.tcp.connection.TcpNetConnectionSupport;

/**
 * A data connection to a backend whose replies are read through one buffered {@link RespInput}
 * for the connection's life. The stock connection hands the deserializer the raw socket stream,
 * and a buffer made per reply would both cost an allocation and drop any bytes read past the
 * reply.
 */
final class BackendConnection extends TcpNetConnection {

    /** The connection whose reader thread this is, so its deserializer knows how many replies to read. */
    private static final ThreadLocal<BackendConnection> READING = new ThreadLocal<>();

    private final RespInput input;
    /** Replies owed per request message sent, in order: 1, or the size of a pipelined batch. */
    private final Queue<Integer> expected = new ConcurrentLinkedQueue<>();

    private BackendConnection(Socket socket, boolean server, boolean lookupHost, ApplicationEventPublisher publisher,
                              String factoryName) {
        super(socket, server, lookupHost, publisher, factoryName);
        try {
            this.input = new RespInput(socket.getInputStream(), 16 * 1024);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    protected InputStream inputStream() {
        return input;
    }

    @Override
    public void send(Message<?> message) {
        Object payload = message.getPayload();
        expected.add(payload instanceof RequestBatch batch ? batch.requests().size() : 1);
        super.send(message);
    }

    @Override
    public void run() {
        READING.set(this);
        super.run();
    }

    /** How many replies the message being read now consists of (1 unless a batch was sent). */
    static int repliesOwedOnThisThread() {
        BackendConnection connection = READING.get();
        Integer owed = connection == null ? null : connection.expected.poll();
        return owed == null ? 1 : owed;
    }

    /** Plugs {@link BackendConnection} into a client connection factory. */
    static final class Support implements TcpNetConnectionSupport {
        @Override
        public TcpNetConnection createNewConnection(Socket socket, boolean server, boolean lookupHost,
                                                    ApplicationEventPublisher publisher, String factoryName) {
            return new BackendConnection(socket, server, lookupHost, publisher, factoryName);
        }
    }
}
