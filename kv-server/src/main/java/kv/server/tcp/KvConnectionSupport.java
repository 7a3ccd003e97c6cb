package kv.server.tcp;

import java.nio.channels.SocketChannel;

import kv.protocol.endpoint.ClientRegistry;
import kv.protocol.endpoint.OutputBufferLimit;
import kv.protocol.endpoint.RespConnection;
import kv.protocol.endpoint.RespServerConnectionFactory;
import kv.server.session.ClientSession;
import org.springframework.context.ApplicationEventPublisher;

/**
 * Creates the server's client connections: refuses clients beyond {@code kv.server.max-clients}
 * and routes invalidation pushes to the connection; bounds subscribers by
 * {@code kv.server.client-output-buffer-limit-pubsub}.
 */
final class KvConnectionSupport implements RespServerConnectionFactory.ConnectionCreator {

    private final ClientRegistry<ClientSession> registry;
    private final OutputBufferLimit pubSubLimit;

    /** Protected mode's refusal of a new connection, or null (see AccessControl#refusalAtConnect). */
    private final java.util.function.Function<java.net.Socket, String> gate;

    KvConnectionSupport(ClientRegistry<ClientSession> registry, int maxClients, OutputBufferLimit pubSubLimit,
                        java.util.function.Function<java.net.Socket, String> gate) {
        this.gate = gate;
        this.registry = registry;
        registry.maxClients(maxClients); // CONFIG SET maxclients changes it there
        this.pubSubLimit = pubSubLimit;
    }

    @Override
    public RespConnection<ClientSession> create(SocketChannel channel, ApplicationEventPublisher publisher,
                                                String factoryName) {
        boolean full = registry.full();
        ClientSession session = registry.open(RespConnection.addressOf(channel.socket()));
        RespConnection<ClientSession> connection = new RespConnection<>(channel, publisher, factoryName, session,
                null);
        connection.pubSubLimit(pubSubLimit);
        connection.onClose(() -> {
            session.closed();
            registry.close(session);
        });
        if (full) {
            registry.rejected();
            connection.reject("ERR max number of clients reached");
        }
        else {
            String denied = gate.apply(channel.socket());
            if (denied != null) {
                connection.reject(denied);
            }
        }
        session.pushSink(connection::push, connection::tryPush);
        session.abortWith(connection::close);
        session.onDisconnect(connection::close);
        session.localAddress(RespConnection.localAddressOf(channel.socket()));
        return connection;
    }
}
