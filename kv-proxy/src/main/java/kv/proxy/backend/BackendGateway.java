package kv.proxy.backend;

import org.springframework.integration.ip.tcp.outbound.TcpOutboundGateway;
import org.springframework.messaging.Message;

/**
 * The Spring Integration TCP outbound gateway to one backend, called directly.
 *
 * <p>Why not through a channel: the proxy's client thread waits for the reply anyway, so a
 * request channel plus a temporary reply channel per request would only add message copies and
 * header work on the hot path. The gateway still does what it is for: borrowing a pooled
 * connection, correlating the reply, enforcing the reply timeout and discarding a connection
 * that timed out.
 */
final class BackendGateway extends TcpOutboundGateway {

    Message<?> exchange(Message<?> request) {
        return (Message<?>) handleRequestMessage(request);
    }
}
