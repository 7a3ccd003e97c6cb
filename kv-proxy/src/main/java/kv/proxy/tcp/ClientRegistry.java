package kv.proxy.tcp;

import kv.protocol.endpoint.Clients;
import org.springframework.stereotype.Component;

/** The proxy's connected clients: for CLIENT LIST, INFO clients and the metrics. */
@Component
public class ClientRegistry extends Clients<ClientSession> {

    public ClientRegistry() {
        super(ClientSession::new);
    }

    public java.util.Collection<ClientSession> sessions() {
        return all();
    }
}
