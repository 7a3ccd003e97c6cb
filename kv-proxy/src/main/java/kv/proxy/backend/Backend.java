package kv.proxy.backend;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.micrometer.core.instrument.Timer;
import kv.protocol.endpoint.RespClientConnectionFactory;
import kv.protocol.resp.RespValue;
import kv.protocol.resp.Request;
import kv.protocol.tcp.ReplyList;
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
    private volatile int databases = Databases.DEFAULT_COUNT;
    private volatile String lastError;
    private volatile Instant downSince;
    private volatile Runnable onFailure = () -> { };
    /** Guards {@link #inFlight} and {@link #queued}. */
    private final Object slots = new Object();
    private final int maxInFlight;
    private int inFlight;
    private final List<Queued> queued = new ArrayList<>();
    /** Pinned connections whose transaction ended cleanly, for the next one (see {@link PinnedConnection}). */
    private final java.util.concurrent.ConcurrentLinkedDeque<PinnedConnection> idlePinned =
            new java.util.concurrent.ConcurrentLinkedDeque<>();
    private final java.util.concurrent.atomic.AtomicInteger idlePinnedCount = new java.util.concurrent.atomic.AtomicInteger();
    private final int connectTimeoutMillis;
    private final BackendSockets sockets;

    Backend(BackendAddress address, BackendGateway gateway, CachingClientConnectionFactory pool, int poolSize,
            Timer latency, Duration replyTimeout, Duration connectTimeout, BackendSockets sockets) {
        this.sockets = sockets;
        this.replyTimeoutMillis = replyTimeout.toMillis();
        this.connectTimeoutMillis = (int) Math.max(1, connectTimeout.toMillis());
        this.maxInFlight = poolSize;
        this.address = address;
        this.name = address.toString();
        this.gateway = gateway;
        this.pool = pool;
        this.latency = latency;
    }

    public BackendAddress address() {
        return address;
    }

    /**
     * A new blocking connection to this backend, over TLS and logged in as its address says
     * (see {@link BackendSockets#open}).
     */
    public java.net.Socket openSocket(int connectTimeoutMillis, int readTimeoutMillis) throws java.io.IOException {
        return sockets.open(connectTimeoutMillis, readTimeoutMillis);
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
     * Sends {@code request} and waits for the reply. Not on an event loop thread: the reply may
     * be this very thread's to read.
     *
     * @throws BackendUnavailableException if the backend is DOWN, refuses the connection or does
     *         not answer within the reply timeout
     */
    public RespValue call(Request request) {
        return callAll(List.of(request)).get(0);
    }

    /** {@link #call} on database {@code db} (see {@link Databases}). */
    public RespValue call(int db, Request request) {
        if (db == 0) {
            return call(request);
        }
        Databases.Pipeline pipeline = new Databases.Pipeline();
        int at = pipeline.add(db, request);
        return pipeline.reply(callAll(pipeline.requests()), at);
    }

    /** Databases this backend has, as it answered {@code CONFIG GET databases} (Redis's default until it has). */
    public int databases() {
        return databases;
    }

    public void databases(int databases) {
        this.databases = databases;
    }

    /**
     * Sends {@code requests} to this backend pipelined, as one message on one pooled connection,
     * and returns their replies in order: one round trip instead of one per request.
     */
    public List<RespValue> callAll(List<Request> requests) {
        if (RespClientConnectionFactory.onEventLoop()) {
            throw new IllegalStateException("a blocking call to " + name + " on an event loop thread, which may be "
                    + "the thread that has to read its reply; use callAllAsync");
        }
        return await(callAllAsync(requests));
    }

    /**
     * Like {@link #callAll}, without waiting: the future completes when the replies are in, on
     * the event loop thread that reads them, or exceptionally with a
     * {@link BackendUnavailableException}. A request in flight fails after the reply timeout (its
     * connection enforces it; there is no timer per request, which cost a timer thread wake-up
     * per round); a queued one waits at most that long for a slot, then that long again.
     *
     * <p>At most {@code pool-size} requests are in flight at once. Beyond that, requests queue,
     * and when one of the requests in flight is answered, everything queued leaves together as
     * one pipeline. An event loop therefore never waits for a pooled connection: every
     * connection it would wait for can only be freed by a reply that the loop itself has to read.
     * The pool holds one connection more than that, for the queued pipeline: the gateway returns
     * a connection to the pool only after the reply's callbacks (which send it) have run.
     */
    public CompletableFuture<List<RespValue>> callAllAsync(List<Request> requests) {
        synchronized (slots) {
            if (inFlight >= maxInFlight) {
                CompletableFuture<List<RespValue>> result = new CompletableFuture<>();
                queued.add(new Queued(requests, result));
                return result;
            }
            inFlight++;
        }
        return sendHoldingSlot(requests); // outside the lock: taking a connection may mean connecting
    }

    /** Requests waiting for a slot, with the futures their callers hold. */
    private record Queued(List<Request> requests, CompletableFuture<List<RespValue>> result) {
    }

    /** Sends on a slot already counted in {@link #inFlight}; the slot passes on to the queue when the replies are in. */
    private CompletableFuture<List<RespValue>> sendHoldingSlot(List<Request> requests) {
        CompletableFuture<List<RespValue>> replies;
        try {
            replies = send(requests.size() == 1 ? requests.get(0) : new RequestBatch(requests, null));
        }
        catch (BackendUnavailableException e) {
            replies = CompletableFuture.failedFuture(e);
        }
        return replies.whenComplete((answers, error) -> slotFreed());
    }

    /** A request in flight was answered (or failed): send everything queued as one pipeline, or free the slot. */
    private void slotFreed() {
        List<Queued> next;
        synchronized (slots) {
            if (queued.isEmpty()) {
                inFlight--;
                return;
            }
            next = new ArrayList<>(queued);
            queued.clear();
        }
        List<Request> all = new ArrayList<>();
        next.forEach(q -> all.addAll(q.requests()));
        sendHoldingSlot(all).whenComplete((answers, error) -> {
            int from = 0;
            for (Queued q : next) {
                if (error != null) {
                    q.result().completeExceptionally(error);
                }
                else {
                    q.result().complete(answers.subList(from, from + q.requests().size()));
                }
                from += q.requests().size();
            }
        });
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
        return reply.handle((message, error) -> {
            latency.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            if (error != null) {
                throw failed(error instanceof CompletionException && error.getCause() != null ? error.getCause() : error);
            }
            Object replyPayload = ((Message<?>) message).getPayload();
            if (replyPayload instanceof Throwable failure) { // the connection failed: an ErrorMessage
                throw failed(failure);
            }
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
            // The connection fails a request after the reply timeout (a queued one waits at most
            // as long again); this bound only guards against a loop that no longer runs.
            return replies.get(3 * replyTimeoutMillis, TimeUnit.MILLISECONDS);
        }
        catch (TimeoutException e) {
            throw failed(e);
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

    /**
     * A connection of its own for one client's transaction, on database 0: an idle one if there
     * is one, else a new one (a blocking connect: worker threads only).
     *
     * @throws BackendUnavailableException if the backend is DOWN or refuses the connection
     */
    public PinnedConnection pin() {
        if (!up) {
            throw new BackendUnavailableException(this, null);
        }
        PinnedConnection idle = idlePinned.pollFirst();
        if (idle != null) {
            idlePinnedCount.decrementAndGet();
            return idle;
        }
        try {
            // A transaction's EXEC (or a script in it) may run longer than one GET: a longer bound.
            return new PinnedConnection(this, connectTimeoutMillis, (int) Math.max(10_000, 5 * replyTimeoutMillis));
        }
        catch (java.io.IOException e) {
            throw failed(e);
        }
    }

    /**
     * Gives back a pinned connection whose transaction ended cleanly (no MULTI, no WATCH left on
     * the backend): kept for the next transaction if it is on database 0 and there is room, else closed.
     */
    public void release(PinnedConnection connection) {
        if (connection.broken() || connection.db() != 0 || !up) {
            connection.close();
            return;
        }
        if (idlePinnedCount.incrementAndGet() > MAX_IDLE_PINNED) {
            idlePinnedCount.decrementAndGet();
            connection.close();
            return;
        }
        idlePinned.addFirst(connection);
    }

    /** Idle pinned connections kept per backend. */
    static final int MAX_IDLE_PINNED = 16;

    /** Closes the pooled connections. */
    void close() {
        gateway.stop();
        pool.stop();
        PinnedConnection idle;
        while ((idle = idlePinned.pollFirst()) != null) {
            idle.close();
        }
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
