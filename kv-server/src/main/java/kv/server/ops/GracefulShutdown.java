package kv.server.ops;

import java.time.Duration;

import kv.server.command.CommandDispatcher;
import kv.server.config.KvServerProperties;
import kv.protocol.endpoint.RespServerConnectionFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * On SIGTERM: stop accepting connections, let the commands in flight finish (up to
 * {@code kv.server.shutdown-timeout}), then let Spring close the connections and, last, the
 * store. Runs before the connection factory stops because it has a higher phase.
 */
@Component
class GracefulShutdown implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(GracefulShutdown.class);

    private final RespServerConnectionFactory factory;
    private final CommandDispatcher dispatcher;
    private final Duration timeout;
    private volatile boolean running;

    GracefulShutdown(RespServerConnectionFactory factory, CommandDispatcher dispatcher, KvServerProperties properties) {
        this.factory = factory;
        this.dispatcher = dispatcher;
        this.timeout = properties.shutdownTimeout();
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        log.info("Shutting down: no new connections; waiting for {} command(s) in flight", dispatcher.inFlight());
        factory.stopAccepting();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (dispatcher.inFlight() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (dispatcher.inFlight() > 0) {
            log.warn("{} command(s) still running after {}; closing anyway", dispatcher.inFlight(), timeout);
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return Integer.MAX_VALUE;
    }
}
