package kv.server.tcp;

import java.net.Socket;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.integration.ip.tcp.connection.TcpNetConnection;
import org.springframework.integration.ip.tcp.connection.TcpNetConnectionSupport;

/** Creates {@link KvConnection}s, refusing clients beyond {@code kv.server.max-clients}. */
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
        String address = socket.getInetAddress().getHostAddress() + ":" + socket.getPort();
        String rejection = null;
        if (registry.connected() >= maxClients) {
            registry.rejected();
            rejection = "ERR max number of clients reached";
        }
        ClientSession session = registry.open(address);
        return new KvConnection(socket, publisher, factoryName, session, registry, makeDurable, rejection);
    }
}
