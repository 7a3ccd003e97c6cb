package kv.proxy.tcp;

import java.nio.channels.SocketChannel;

import kv.protocol.endpoint.ClientRegistry;
import kv.protocol.endpoint.OutputBufferLimit;
import kv.protocol.endpoint.RespConnection;
import kv.protocol.endpoint.RespServerConnectionFactory;
import kv.proxy.session.ClientSession;
import org.springframework.context.ApplicationEventPublisher;

/**
 * Creates the proxy's client connections, each with its {@link ClientSession}; refuses clients
 * beyond {@code kv.proxy.max-clients} as kv-server and Redis do, and bounds subscribers by
 * {@code kv.proxy.limits.client-output-buffer-pubsub}.
 */
final class ProxyConnectionSupport implements RespServerConnectionFactory.ConnectionCreator {

    private final ClientRegistry<ClientSession> registry;
    private final OutputBufferLimit pubSubLimit;

    /** Protected mode's refusal of a new connection, or null (see AccessControl#refusalAtConnect). */
    private final java.util.function.Function<java.net.Socket, String> gate;

    ProxyConnectionSupport(ClientRegistry<ClientSession> registry, int maxClients, OutputBufferLimit pubSubLimit,
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
                () -> {
                    registry.close(session);
                    session.closed();
                });
        connection.pubSubLimit(pubSubLimit);
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
        session.onDisconnect(connection::close);
        session.onPush(connection::pushInOrder);
        session.localAddress(RespConnection.localAddressOf(channel.socket()));
        return connection;
    }
}
