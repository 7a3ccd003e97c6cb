package kv.server.tcp;

import java.net.Socket;

import kv.protocol.endpoint.RespConnection;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.integration.ip.tcp.connection.TcpNetConnection;
import org.springframework.integration.ip.tcp.connection.TcpNetConnectionSupport;

/**
 * Creates the server's client connections: refuses clients beyond {@code kv.server.max-clients},
 * routes invalidation pushes to the connection, and makes a batch's writes durable just before
 * its acknowledgements leave (see {@code RocksDbStore}).
 */
final class KvConnectionSupport implements TcpNetConnectionSupport {

    private final ClientRegistry registry;
    private final int maxClients;
    private final Runnable makeDurable;

    KvConnectionSupport(ClientRegistry registry, int maxClients, Runnable makeDurable) {
        this.registry = registry;
        this.maxClients = maxClients;
        this.makeDurable = makeDurable;
    }

    @Override
    public TcpNetConnection createNewConnection(Socket socket, boolean server, boolean lookupHost,
                                                ApplicationEventPublisher publisher, String factoryName) {
        boolean full = registry.connected() >= maxClients;
        ClientSession session = registry.open(RespConnection.addressOf(socket));
        RespConnection<ClientSession> connection = new RespConnection<>(socket, publisher, factoryName, session,
                () -> {
                    session.tracking(null);
                    registry.close(session);
                });
        if (full) {
            registry.rejected();
            connection.reject("ERR max number of clients reached");
        }
        session.pushSink(connection::push);
        connection.setBeforeSend(() -> {
            if (session.takeUnloggedWrites()) {
                makeDurable.run();
            }
        });
        return connection;
    }
}
