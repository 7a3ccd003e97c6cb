package kv.proxy.tcp;

import java.nio.channels.SocketChannel;

import kv.protocol.endpoint.ClientRegistry;
import kv.protocol.endpoint.RespConnection;
import kv.protocol.endpoint.RespServerConnectionFactory;
import kv.proxy.session.ClientSession;
import org.springframework.context.ApplicationEventPublisher;

/** Creates the proxy's client connections, each with its {@link ClientSession}. */
final class ProxyConnectionSupport implements RespServerConnectionFactory.ConnectionCreator {

    private final ClientRegistry<ClientSession> registry;

    ProxyConnectionSupport(ClientRegistry<ClientSession> registry) {
        this.registry = registry;
    }

    @Override
    public RespConnection<ClientSession> create(SocketChannel channel, ApplicationEventPublisher publisher,
                                                String factoryName) {
        ClientSession session = registry.open(RespConnection.addressOf(channel.socket()));
        RespConnection<ClientSession> connection = new RespConnection<>(channel, publisher, factoryName, session,
                () -> {
                    registry.close(session);
                    session.closed();
                });
        session.onDisconnect(connection::close);
        session.onPush(connection::pushInOrder);
        session.localAddress(RespConnection.localAddressOf(channel.socket()));
        return connection;
    }
}
