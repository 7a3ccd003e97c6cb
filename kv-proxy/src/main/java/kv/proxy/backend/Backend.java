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
 * One entry of the hash ring: a single server, or a replicated group of servers of which one is
 * the leader; whether it is reachable; and the pooled outbound gateways that carry requests to it.
 *
 * <p>Reachability: a failed request marks a single server DOWN, and from then on requests for its
 * keys fail at once with {@code -ERR backend host:port unavailable} instead of each waiting for a
 * timeout. Its {@link kv.proxy.coherence.InvalidationListener} keeps trying to reconnect and marks it
 * UP again when it succeeds, so the backend recovers by itself.
 *
 * <p>A group ({@code a|b|c}) sends everything to its leader, found by asking the members
 * {@code ROLE} ({@link LeaderFinder}). When the leader answers {@code -READONLY} (it is a
 * follower now), cannot be reached, or drops a request, the group looks for its leader again and
 * requests wait for it, up to {@code kv.proxy.timeouts.failover}; see {@link #callAllAsync} for
 * which of them are sent again. Listeners registered with {@link #onLeaderChange} hear of a new
 * leader before any request is sent to it (the invalidation listener drops the group's cache
 * entries then, and subscribes on the new leader).
 */
public final class Backend {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Backend.class);
    /** Pause between two searches for a leader that found none. */
    private static final long SEARCH_PAUSE_MILLIS = 50;

    private final String name;
    private final List<GroupMember> members;
    /** The member requests go to; null while a group is looking for its leader. */
    private volatile GroupMember leader;
    /** The search for the leader under way, or the last one (guarded by {@code this}). */
    private CompletableFuture<GroupMember> search;
    private final List<Runnable> leaderChangeListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final long failoverNanos;
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

    Backend(String name, List<GroupMember> members, int poolSize, Timer latency, Duration replyTimeout,
            Duration connectTimeout, Duration failover) {
        this.name = name;
        this.members = List.copyOf(members);
        this.leader = members.get(0); // a single server is its own leader; a group's is looked for at start
        this.replyTimeoutMillis = replyTimeout.toMillis();
        this.connectTimeoutMillis = (int) Math.max(1, connectTimeout.toMillis());
        this.failoverNanos = failover.toNanos();
        this.maxInFlight = poolSize;
        this.latency = latency;
        if (replicated()) {
            leader = null;
            findLeader();
        }
    }

    /** The address of the member requests go to now (a group's last known leader while it looks for one). */
    public BackendAddress address() {
        GroupMember current = leader;
        return (current != null ? current : members.get(0)).address();
    }

    /**
     * A new blocking connection to this backend (a group's leader, once it is known), over TLS and
     * logged in as its address says (see {@link BackendSockets#open}).
     */
    public java.net.Socket openSocket(int connectTimeoutMillis, int readTimeoutMillis) throws java.io.IOException {
        return openSocket(connectTimeoutMillis, readTimeoutMillis, null);
    }

    /**
     * As {@link #openSocket(int, int)}; {@code opened} (if not null) is told which member the
     * socket is connected to, so that a listener can tell whether that is still the leader.
     */
    public java.net.Socket openSocket(int connectTimeoutMillis, int readTimeoutMillis,
                                      java.util.function.Consumer<GroupMember> opened) throws java.io.IOException {
        GroupMember member = replicated() ? awaitLeaderBlocking() : leader;
        try {
            java.net.Socket socket = member.openSocket(connectTimeoutMillis, readTimeoutMillis);
            if (opened != null) {
                opened.accept(member);
            }
            return socket;
        }
        catch (java.io.IOException e) {
            suspect(member);
            throw e;
        }
    }

    /** {@code host:port}, or a group's members as {@code host:port|host:port|...}. */
    public String name() {
        return name;
    }

    /** True for a group of more than one member, which has a leader to find and follow. */
    public boolean replicated() {
        return members.size() > 1;
    }

    /** The members, in the order they were configured (one for a single server). */
    public List<GroupMember> members() {
        return members;
    }

    /** The member requests go to; null while a group is looking for its leader. */
    public GroupMember leader() {
        return leader;
    }

    /**
     * Runs {@code listener} whenever a group's leader changes, before any request is sent to the
     * new one (on the thread that found it; it must not block).
     */
    public void onLeaderChange(Runnable listener) {
        leaderChangeListeners.add(listener);
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
        return members.stream().mapToInt(member -> member.pool.getActiveCount()).sum();
    }

    public int idleConnections() {
        return members.stream().mapToInt(member -> member.pool.getIdleCount()).sum();
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
        return await(callAllAsync(requests), replicated() ? failoverNanos / 1_000_000 : 0);
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
     *
     * <p>To a group, the requests go to its leader, and wait for one while the group looks for it.
     * They are sent again to the new leader when that cannot duplicate a write: when the old one
     * answered {@code -READONLY} (a follower refuses every write, so none of them was applied),
     * when the connection could not even be opened, or when every request only reads. Otherwise
     * (a write was sent and the connection then failed, so it may or may not have been applied)
     * they fail with {@link BackendUnavailableException#outcomeUnknown}, which the client may retry.
     */
    public CompletableFuture<List<RespValue>> callAllAsync(List<Request> requests) {
        if (!replicated()) {
            return callLeader(requests);
        }
        return callFollowingLeader(requests, System.nanoTime() + failoverNanos);
    }

    private CompletableFuture<List<RespValue>> callFollowingLeader(List<Request> requests, long deadline) {
        GroupMember[] sentTo = new GroupMember[1];
        return awaitLeader().thenCompose(member -> {
            sentTo[0] = member;
            return callLeader(requests);
        }).handle((replies, error) -> {
            boolean late = System.nanoTime() - deadline > 0;
            if (error == null) {
                if (!FailoverRetry.refusedByFollower(replies)) {
                    return CompletableFuture.completedFuture(replies);
                }
                suspect(sentTo[0]); // nothing if another request has already found the new leader
                // Late: the -READONLY itself is the client's answer (nothing was written; it may retry).
                return late ? CompletableFuture.completedFuture(replies) : callFollowingLeader(requests, deadline);
            }
            Throwable cause = FailoverRetry.unwrap(error);
            if (late || !(cause instanceof BackendUnavailableException unavailable) || unavailable.outcomeIsUnknown()) {
                return CompletableFuture.<List<RespValue>>failedFuture(cause);
            }
            if (FailoverRetry.neverSent(cause) || FailoverRetry.safeToRepeat(requests)) {
                return callFollowingLeader(requests, deadline);
            }
            return CompletableFuture.<List<RespValue>>failedFuture(BackendUnavailableException.outcomeUnknown(this, cause));
        }).thenCompose(next -> next);
    }

    /** The one request path of a single server, and of a group once its leader is known. */
    private CompletableFuture<List<RespValue>> callLeader(List<Request> requests) {
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
        GroupMember member = leader;
        if (!up || member == null) {
            throw new BackendUnavailableException(this, null);
        }
        long start = System.nanoTime();
        CompletableFuture<?> reply;
        try {
            reply = (CompletableFuture<?>) member.gateway.exchange(new GenericMessage<>(payload));
        }
        catch (RuntimeException e) {
            throw failed(member, e);
        }
        return reply.handle((message, error) -> {
            latency.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            if (error != null) {
                throw failed(member, error instanceof CompletionException && error.getCause() != null ? error.getCause() : error);
            }
            Object replyPayload = ((Message<?>) message).getPayload();
            if (replyPayload instanceof Throwable failure) { // the connection failed: an ErrorMessage
                throw failed(member, failure);
            }
            return replyPayload instanceof ReplyList list ? list.replies() : List.of((RespValue) replyPayload);
        });
    }

    private BackendUnavailableException failed(Throwable e) {
        GroupMember current = leader;
        return failed(current != null ? current : members.get(0), e);
    }

    /** A request to {@code member} failed: a single server is DOWN until re-verified; a group looks for its leader. */
    private BackendUnavailableException failed(GroupMember member, Throwable e) {
        if (replicated()) {
            suspect(member);
        }
        else {
            markDown(rootMessage(e));
        }
        onFailure.run();
        return new BackendUnavailableException(this, e);
    }

    private List<RespValue> await(CompletableFuture<List<RespValue>> replies, long failoverMillis) {
        try {
            // The connection fails a request after the reply timeout (a queued one waits at most
            // as long again); this bound only guards against a loop that no longer runs.
            return replies.get(3 * replyTimeoutMillis + 2 * failoverMillis, TimeUnit.MILLISECONDS);
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
        if (replicated()) {
            if (leader == null) {
                try {
                    awaitLeaderBlocking(); // a transaction waits for the group's leader as other requests do
                }
                catch (java.io.IOException e) {
                    throw new BackendUnavailableException(this, e);
                }
            }
        }
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
        members.forEach(GroupMember::close);
        PinnedConnection idle;
        while ((idle = idlePinned.pollFirst()) != null) {
            idle.close();
        }
    }

    // ---- following a group's leader -----------------------------------------------------------

    /**
     * {@code member} failed or refused a write as a follower: if it is the leader the group
     * follows, the group has none until a search finds it (started here).
     */
    public void suspect(GroupMember member) {
        if (!replicated() || member == null) {
            return;
        }
        synchronized (this) {
            if (leader != member) {
                return;
            }
            leader = null;
        }
        log.info("Backend group " + name + ": leader " + member.name() + " lost; looking for the leader");
        findLeader();
    }

    /** The leader, now if it is known, else once the search under way (or a new one) finds it. */
    private CompletableFuture<GroupMember> awaitLeader() {
        GroupMember current = leader;
        return current != null ? CompletableFuture.completedFuture(current) : findLeader();
    }

    private GroupMember awaitLeaderBlocking() throws java.io.IOException {
        try {
            return awaitLeader().get(2 * failoverNanos + TimeUnit.SECONDS.toNanos(1), TimeUnit.NANOSECONDS);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while looking for the leader of " + name);
        }
        catch (ExecutionException | TimeoutException e) {
            throw new java.io.IOException("backend group " + name + " has no leader", e);
        }
    }

    /**
     * Starts a search for the leader unless one is under way, and returns it. The search asks
     * every member ROLE until the answers show a leader, for at most {@code timeouts.failover}
     * (the group is DOWN if none shows by then, and the requests waiting fail; the invalidation
     * listener keeps starting searches, and later requests wait for those).
     */
    public synchronized CompletableFuture<GroupMember> findLeader() {
        if (search != null && !search.isDone()) {
            return search;
        }
        CompletableFuture<GroupMember> started = new CompletableFuture<>();
        search = started;
        LeaderFinder.THREADS.execute(() -> search(started));
        return started;
    }

    private void search(CompletableFuture<GroupMember> result) {
        long deadline = System.nanoTime() + failoverNanos;
        int timeout = (int) Math.max(50, Math.min(connectTimeoutMillis, Math.min(500, replyTimeoutMillis)));
        while (true) {
            java.util.Map<GroupMember, RoleReply> answers = LeaderFinder.ask(members, timeout);
            report(answers);
            GroupMember found = LeaderFinder.choose(answers);
            if (found != null) {
                follow(found);
                result.complete(found);
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                markDown("no member of " + name + " is the leader");
                result.completeExceptionally(new BackendUnavailableException(this, null));
                return;
            }
            try {
                Thread.sleep(SEARCH_PAUSE_MILLIS);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                result.completeExceptionally(new BackendUnavailableException(this, e));
                return;
            }
        }
    }

    private void follow(GroupMember found) {
        GroupMember before;
        synchronized (this) {
            before = lastLeader;
            lastLeader = found;
        }
        if (before != found) {
            // Before the first request reaches the new leader: the cache drops what it held.
            leaderChangeListeners.forEach(Runnable::run);
            log.info("Backend group " + name + ": leader is " + found.name()
                    + (before == null ? "" : " (was " + before.name() + ")"));
        }
        leader = found;
        markUp();
    }

    /** Guards against overlapping {@link #probeMembers} rounds. */
    private final java.util.concurrent.atomic.AtomicBoolean probing = new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * Asks every member ROLE in the background (one round at a time) and records who answers,
     * their roles and lag, for health and INFO; follows nothing (a search does that). The
     * invalidation listener calls it each heartbeat.
     */
    public void probeMembers() {
        if (!replicated() || !probing.compareAndSet(false, true)) {
            return;
        }
        int timeout = (int) Math.max(50, Math.min(connectTimeoutMillis, Math.min(500, replyTimeoutMillis)));
        LeaderFinder.THREADS.execute(() -> {
            try {
                report(LeaderFinder.ask(members, timeout));
            }
            finally {
                probing.set(false);
            }
        });
    }

    /** The leader last found, for telling a change from finding the same one again. */
    private GroupMember lastLeader;

    private void report(java.util.Map<GroupMember, RoleReply> answers) {
        answers.forEach((member, reply) -> {
            if (reply == null) {
                member.unreachable();
            }
            else {
                member.answered(reply);
            }
        });
        answers.entrySet().stream().filter(answer -> answer.getValue() != null && answer.getValue().leader())
                .findFirst().ifPresent(answer -> leaderReported(answer.getKey(), answer.getValue()));
    }

    /**
     * The leader's ROLE (a search's, or the invalidation listener's heartbeat): its followers'
     * lag; a member it does not list is not following it (lag unknown). Whether a member is up is
     * what its own answer to ROLE says ({@link #probeMembers}, a search).
     */
    public void leaderReported(GroupMember from, RoleReply reply) {
        java.util.Map<String, RoleReply.Follower> following = new java.util.HashMap<>();
        reply.followers().forEach(follower -> following.put(follower.name(), follower));
        for (GroupMember member : members) {
            RoleReply.Follower follower = following.get(member.name());
            if (member == from) {
                member.answered(reply);
            }
            else if (follower != null) {
                member.followsAt(follower.appliedIndex(), reply.appliedIndex());
            }
            else {
                member.notFollowing();
            }
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
