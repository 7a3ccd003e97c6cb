package kv.protocol.endpoint;

import java.util.Map;

import org.springframework.integration.ip.IpHeaders;
import org.springframework.integration.ip.tcp.connection.TcpConnection;
import org.springframework.integration.ip.tcp.connection.TcpMessageMapper;
import org.springframework.messaging.Message;
import org.springframework.messaging.support.GenericMessage;

/**
 * Maps a request to a message with the two headers a kv service uses: the connection id (the
 * gateway routes the reply by it) and the client's session (none on client-side connections). The stock mapper adds host, port
 * and local address headers per message, which profiling showed to cost more than the command.
 */
public final class SessionMessageMapper extends TcpMessageMapper {

    /** Header holding the {@link RespConnection#session()} of the connection. */
    public static final String SESSION = "kv_session";

    @Override
    public Message<?> toMessage(TcpConnection connection, Map<String, Object> headers) {
        Object payload = connection.getPayload();
        if (payload == null) {
            return null;
        }
        if (connection instanceof RespConnection<?> resp) {
            return new GenericMessage<>(payload,
                    Map.of(IpHeaders.CONNECTION_ID, connection.getConnectionId(), SESSION, resp.session()));
        }
        // A client-side connection (the proxy to its backends) has no session.
        return new GenericMessage<>(payload, Map.of(IpHeaders.CONNECTION_ID, connection.getConnectionId()));
    }

    @Override
    public Object fromMessage(Message<?> message) {
        return message.getPayload();
    }
}
