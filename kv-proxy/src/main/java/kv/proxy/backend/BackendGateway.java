package kv.proxy.backend;

import org.springframework.integration.ip.tcp.outbound.TcpOutboundGateway;
import org.springframework.messaging.Message;

/**
 * The Spring Integration TCP outbound gateway to one backend, called directly and in async mode:
 * {@link #exchange} sends and returns a future of the reply message at once.
 *
 * <p>Why not through a channel: the proxy needs the reply as a future it can compose (the event
 * loop must not wait for it), so a request channel plus a reply channel per request would only
 * add message copies and header work on the hot path. The gateway still does what it is for:
 * borrowing a pooled connection for the request and returning it when the reply is in,
 * correlating the reply, enforcing the reply timeout and discarding a connection that timed out.
 */
final class BackendGateway extends TcpOutboundGateway {

    /** A {@code CompletableFuture<Message<?>>} of the reply (the gateway is in async mode). */
    Object exchange(Message<?> request) {
        return handleRequestMessage(request);
    }
}
