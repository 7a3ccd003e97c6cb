package kv.server.tcp;

import java.net.Socket;

import kv.protocol.endpoint.RespConnection;
import kv.server.command.WriteBatcher;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.integration.ip.tcp.connection.TcpNetConnection;
import org.springframework.integration.ip.tcp.connection.TcpNetConnectionSupport;

/**
 * Creates the server's client connections: refuses clients beyond {@code kv.server.max-clients},
 * routes invalidation pushes to the connection, and, just before replies leave, applies the
 * writes staged by the pipeline (see {@link WriteBatcher}).
 */
final class KvConnectionSupport implements TcpNetConnectionSupport {

    private final ClientRegistry registry;
    private final int maxClients;
    private final WriteBatcher batcher;

    KvConnectionSupport(ClientRegistry registry, int maxClients, WriteBatcher batcher) {
        this.registry = registry;
        this.maxClients = maxClients;
        this.batcher = batcher;
    }

    @Override
    public TcpNetConnection createNewConnection(Socket socket, boolean server, boolean lookupHost,
                                                ApplicationEventPublisher publisher, String factoryName) {
        boolean full = registry.connected() >= maxClients;
        ClientSession session = registry.open(RespConnection.addressOf(socket));
        RespConnection<ClientSession> connection = new RespConnection<>(socket, publisher, factoryName, session,
                null);
        connection.onClose(() -> closed(session, connection));
        if (full) {
            registry.rejected();
            connection.reject("ERR max number of clients reached");
        }
        session.pushSink(connection::push, connection::tryPush);
        session.abortWith(connection::close);
        connection.setBeforeSend(() -> {
            if (connection.onReaderThread()) {
                batcher.commit(session); // staged writes belong to the reader thread alone
            }
        });
        return connection;
    }

    private void closed(ClientSession session, RespConnection<ClientSession> connection) {
        try {
            if (connection.onReaderThread()) {
                // A client that hung up mid-pipeline still gets the writes it sent, as with Redis.
                batcher.commit(session);
            }
        }
        catch (RuntimeException e) {
            // nothing was acknowledged; the store reports the failure in its health
        }
        finally {
            session.tracking(null);
            registry.close(session);
        }
    }
}
