package kv.server.tcp;

import kv.protocol.endpoint.Clients;
import org.springframework.stereotype.Component;

/** The server's connected clients: for max-clients, CLIENT LIST, INFO clients and the metrics. */
@Component
public class ClientRegistry extends Clients<ClientSession> {

    public ClientRegistry() {
        super(ClientSession::new);
    }

    public java.util.Collection<ClientSession> sessions() {
        return all();
    }
}
