package kv.proxy.tcp;

import java.net.Socket;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.integration.ip.tcp.connection.TcpNetConnection;
import org.springframework.integration.ip.tcp.connection.TcpNetConnectionSupport;

/** Creates a {@link ProxyConnection} with its {@link ClientSession} for each accepted socket. */
final class ProxyConnectionSupport implements TcpNetConnectionSupport {

    private final ClientRegistry registry;

    ProxyConnectionSupport(ClientRegistry registry) {
        this.registry = registry;
    }

    @Override
    public TcpNetConnection createNewConnection(Socket socket, boolean server, boolean lookupHost,
                                                ApplicationEventPublisher publisher, String factoryName) {
        String address = socket.getInetAddress().getHostAddress() + ":" + socket.getPort();
        return new ProxyConnection(socket, publisher, factoryName, registry.open(address), registry);
    }
}
