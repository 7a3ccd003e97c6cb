package kv.server.ops;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.integration.ip.tcp.connection.TcpConnectionCloseEvent;
import org.springframework.integration.ip.tcp.connection.TcpConnectionOpenEvent;
import org.springframework.stereotype.Component;

/** Logs each client as it comes and goes: {@code Connection from /127.0.0.1:53842}. */
@Component
class ConnectionLogger {

    private static final Logger log = LoggerFactory.getLogger("kv.server.connections");

    @EventListener
    void opened(TcpConnectionOpenEvent event) {
        log.info("Connection from {}", address(event.getConnectionId()));
    }

    @EventListener
    void closed(TcpConnectionCloseEvent event) {
        log.info("Connection closed {}", address(event.getConnectionId()));
    }

    /** Spring Integration ids look like {@code 127.0.0.1:53842:7379:uuid}. */
    private static String address(String connectionId) {
        String[] parts = connectionId.split(":");
        return parts.length >= 2 ? "/" + parts[0] + ":" + parts[1] : connectionId;
    }
}
