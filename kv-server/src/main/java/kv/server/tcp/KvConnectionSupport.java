package kv.server.tcp;

import java.nio.channels.SocketChannel;

import kv.protocol.endpoint.ClientRegistry;
import kv.protocol.endpoint.RespConnection;
import kv.protocol.endpoint.RespServerConnectionFactory;
import kv.server.session.ClientSession;
import org.springframework.context.ApplicationEventPublisher;

/**
 * Creates the server's client connections: refuses clients beyond {@code kv.server.max-clients}
 * and routes invalidation pushes to the connection.
 */
final class KvConnectionSupport implements RespServerConnectionFactory.ConnectionCreator {

    private final ClientRegistry<ClientSession> registry;
    private final int maxClients;

    KvConnectionSupport(ClientRegistry<ClientSession> registry, int maxClients) {
        this.registry = registry;
        this.maxClients = maxClients;
    }

    @Override
    public RespConnection<ClientSession> create(SocketChannel channel, ApplicationEventPublisher publisher,
                                                String factoryName) {
        boolean full = registry.connected() >= maxClients;
        ClientSession session = registry.open(RespConnection.addressOf(channel.socket()));
        RespConnection<ClientSession> connection = new RespConnection<>(channel, publisher, factoryName, session,
                null);
        connection.onClose(() -> {
            session.closed();
            registry.close(session);
        });
        if (full) {
            registry.rejected();
            connection.reject("ERR max number of clients reached");
        }
        session.pushSink(connection::push, connection::tryPush);
        session.abortWith(connection::close);
        session.onDisconnect(connection::close);
        session.localAddress(RespConnection.localAddressOf(channel.socket()));
        return connection;
    }
}
