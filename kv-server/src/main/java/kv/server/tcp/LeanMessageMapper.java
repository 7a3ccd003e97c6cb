package kv.server.tcp;

import java.util.Map;

import org.springframework.integration.ip.IpHeaders;
import org.springframework.integration.ip.tcp.connection.TcpConnection;
import org.springframework.integration.ip.tcp.connection.TcpMessageMapper;
import org.springframework.messaging.Message;
import org.springframework.messaging.support.GenericMessage;

/**
 * Maps a request to a message with the two headers the server uses: the connection id (the
 * gateway routes the reply by it) and the client's session. The stock mapper adds host, port
 * and local address headers per message, which profiling showed to cost more than the command.
 */
final class LeanMessageMapper extends TcpMessageMapper {

    static final String SESSION = "kv_session";

    @Override
    public Message<?> toMessage(TcpConnection connection, Map<String, Object> headers) {
        Object payload = connection.getPayload();
        if (payload == null) {
            return null;
        }
        ClientSession session = connection instanceof KvConnection kv ? kv.session() : null;
        return new GenericMessage<>(payload,
                Map.of(IpHeaders.CONNECTION_ID, connection.getConnectionId(), SESSION, session));
    }

    @Override
    public Object fromMessage(Message<?> message) {
        return message.getPayload();
    }
}
