package kv.proxy.tcp;

import java.net.Socket;

import kv.protocol.endpoint.RespConnection;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.integration.ip.tcp.connection.TcpNetConnection;
import org.springframework.integration.ip.tcp.connection.TcpNetConnectionSupport;

/** Creates the proxy's client connections, each with its {@link ClientSession}. */
final class ProxyConnectionSupport implements TcpNetConnectionSupport {

    private final ClientRegistry registry;

    ProxyConnectionSupport(ClientRegistry registry) {
        this.registry = registry;
    }

    @Override
    public TcpNetConnection createNewConnection(Socket socket, boolean server, boolean lookupHost,
                                                ApplicationEventPublisher publisher, String factoryName) {
        ClientSession session = registry.open(RespConnection.addressOf(socket));
        return new RespConnection<>(socket, publisher, factoryName, session, () -> registry.close(session));
    }
}
