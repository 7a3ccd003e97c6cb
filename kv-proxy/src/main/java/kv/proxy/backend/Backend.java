package kv.proxy.backend;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Timer;
import kv.protocol.resp.RespValue;
import kv.protocol.resp.Request;
import kv.protocol.tcp.RequestBatch;
import kv.proxy.config.BackendAddress;
import org.springframework.integration.ip.tcp.connection.CachingClientConnectionFactory;
import org.springframework.messaging.Message;
import org.springframework.messaging.support.GenericMessage;

/**
 * One server behind the proxy: its address, whether it is reachable, and the pooled outbound
 * gateway that carries requests to it.
 *
 * <p>Reachability: a failed request marks the backend DOWN, and from then on requests for its
 * keys fail at once with {@code -ERR backend host:port unavailable} instead of each waiting for a
 * timeout. Its {@link kv.proxy.coherence.InvalidationListener} keeps trying to reconnect and marks it
 * UP again when it succeeds, so the backend recovers by itself.
 */
public final class Backend {

    private final BackendAddress address;
    private final String name;
    private final BackendGateway gateway;
    private final CachingClientConnectionFactory pool;
    private final Timer latency;
    private final long replyTimeoutMillis;
    private volatile boolean up = true;
    private volatile String lastError;
    private volatile Instant downSince;
    private volatile Runnable onFailure = () -> { };

    Backend(BackendAddress address, BackendGateway gateway, CachingClientConnectionFactory pool, Timer latency,
            Duration replyTimeout) {
        this.replyTimeoutMillis = replyTimeout.toMillis();
        this.address = address;
        this.name = address.toString();
        this.gateway = gateway;
        this.pool = pool;
        this.latency = latency;
    }

    public BackendAddress address() {
        return address;
    }

    /** {@code host:port}. */
    public String name() {
        return name;
    }

    public boolean isUp() {
        return up;
    }

    public String lastError() {
        return lastError;
    }

    public Instant downSince() {
        return downSince;
    }

    public int activeConnections() {
        return pool.getActiveCount();
    }

    public int idleConnections() {
        return pool.getIdleCount();
    }

    /**
     * Sends {@code request} and waits for the reply.
     *
     * @throws BackendUnavailableException if the backend is DOWN, refuses the connection or does
     *         not answer within the reply timeout
     */
    public RespValue call(Request request) {
        return await(send(request)).get(0);
    }

    /**
     * Sends {@code requests} to this backend pipelined, as one message on one pooled connection,
     * and returns their replies in order: one round trip instead of one per request.
     */
    public List<RespValue> callAll(List<Request> requests) {
        return await(send(requests.size() == 1 ? requests.get(0) : new RequestBatch(requests, null)));
    }

    /**
     * Like {@link #callAll}, without waiting: the replies complete the future on the connection's
     * reader thread (exceptionally with a {@link BackendUnavailableException}). The calling
     * thread (an event loop) goes on serving other clients meanwhile.
     */
    public CompletableFuture<List<RespValue>> callAllAsync(List<Request> requests) {
        try {
            return send(requests.size() == 1 ? requests.get(0) : new RequestBatch(requests, null));
        }
        catch (BackendUnavailableException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private CompletableFuture<List<RespValue>> send(Object payload) {
        if (!up) {
            throw new BackendUnavailableException(this, null);
        }
        long start = System.nanoTime();
        CompletableFuture<?> reply;
        try {
            reply = (CompletableFuture<?>) gateway.exchange(new GenericMessage<>(payload));
        }
        catch (RuntimeException e) {
            throw failed(e);
        }
        return reply.orTimeout(replyTimeoutMillis, TimeUnit.MILLISECONDS).handle((message, error) -> {
            latency.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            if (error != null) {
                throw failed(error instanceof CompletionException && error.getCause() != null ? error.getCause() : error);
            }
            Object replyPayload = ((Message<?>) message).getPayload();
            return replyPayload instanceof ReplyList list ? list.replies() : List.of((RespValue) replyPayload);
        });
    }

    private BackendUnavailableException failed(Throwable e) {
        markDown(rootMessage(e));
        onFailure.run();
        return new BackendUnavailableException(this, e);
    }

    private List<RespValue> await(CompletableFuture<List<RespValue>> replies) {
        try {
            return replies.get(); // the reply timeout (orTimeout in send) completes it if the backend is silent
        }
        catch (ExecutionException e) {
            if (e.getCause() instanceof BackendUnavailableException unavailable) {
                throw unavailable;
            }
            throw failed(e.getCause());
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackendUnavailableException(this, e);
        }
    }

    /** Called back when a request fails, so the invalidation listener re-checks the backend. */
    public void onFailure(Runnable onFailure) {
        this.onFailure = onFailure;
    }

    public void markUp() {
        up = true;
        lastError = null;
        downSince = null;
    }

    public void markDown(String error) {
        if (up) {
            downSince = Instant.now();
        }
        up = false;
        lastError = error;
    }

    /** Closes the pooled connections. */
    void close() {
        gateway.stop();
        pool.stop();
    }

    static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }

    @Override
    public String toString() {
        return name;
    }
}
