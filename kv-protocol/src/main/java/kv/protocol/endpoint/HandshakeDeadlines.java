package kv.protocol.endpoint;

import java.time.Duration;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a TLS connection whose first handshake has not ended within the handshake timeout of
 * its accept: a client that connects and sends nothing, half a ClientHello, or a handshake too
 * slow to finish. Redis has no such limit (only its idle {@code timeout}, off by default); kv's
 * default is {@link #DEFAULT}.
 *
 * <p>Design note: one timer thread for the JVM, one scheduled check per TLS connection, which
 * runs the close on the connection's own loop (as everything that touches a connection does)
 * and does nothing if the handshake has ended. A loop never waits for a handshake: the
 * timeout only frees what a stalled client holds (a socket, its engine's buffers).
 */
final class HandshakeDeadlines {

    private static final Logger log = LoggerFactory.getLogger(HandshakeDeadlines.class);

    /** The default TLS handshake timeout ({@code kv.server.tls-handshake-timeout}, {@code kv.proxy.tls-handshake-timeout}). */
    static final Duration DEFAULT = kv.protocol.tls.TlsSettings.DEFAULT_HANDSHAKE_TIMEOUT;

    private static final ScheduledThreadPoolExecutor TIMER = timer();

    private static ScheduledThreadPoolExecutor timer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "kv-tls-handshake-timeout");
            thread.setDaemon(true);
            return thread;
        });
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }

    private final Duration timeout;

    HandshakeDeadlines(Duration timeout) {
        if (timeout == null || timeout.isNegative()) {
            throw new IllegalArgumentException("tls-handshake-timeout must be 0 (none) or more, got " + timeout);
        }
        this.timeout = timeout;
    }

    /** Closes {@code connection} on {@code loop} if its handshake has not ended in time. */
    void watch(RespConnection<?> connection, TlsTransport transport, EventLoop loop) {
        if (timeout.isZero()) {
            return;
        }
        TIMER.schedule(() -> loop.execute(() -> {
            if (connection.isOpen() && !transport.handshakeDone()) {
                log.info("Closing TLS connection from {}: no handshake within {} ms (tls-handshake-timeout)",
                        connection.getHostAddress() + ":" + connection.getPort(), timeout.toMillis());
                connection.close();
            }
        }), timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
}
