package kv.proxy.tcp;

import java.util.Map;

import org.springframework.integration.ip.IpHeaders;
import org.springframework.integration.ip.tcp.connection.TcpConnection;
import org.springframework.integration.ip.tcp.connection.TcpMessageMapper;
import org.springframework.messaging.Message;
import org.springframework.messaging.support.GenericMessage;

/**
 * Maps a payload to a message with only the headers that are used: the connection id (gateways
 * correlate replies by it) and, on the client side, the client's session. The stock mapper adds
 * host, port and local address headers per message, which profiling showed to cost more than
 * the command (see the shared Spring Integration TCP notes). Used for client connections and for
 * the data connections to backends.
 */
public final class LeanMessageMapper extends TcpMessageMapper {

    public static final String SESSION = "kv_session";

    @Override
    public Message<?> toMessage(TcpConnection connection, Map<String, Object> headers) {
        Object payload = connection.getPayload();
        if (payload == null) {
            return null;
        }
        if (connection instanceof ProxyConnection client) {
            return new GenericMessage<>(payload,
                    Map.of(IpHeaders.CONNECTION_ID, connection.getConnectionId(), SESSION, client.session()));
        }
        return new GenericMessage<>(payload, Map.of(IpHeaders.CONNECTION_ID, connection.getConnectionId()));
    }

    @Override
    public Object fromMessage(Message<?> message) {
        return message.getPayload();
    }
}
