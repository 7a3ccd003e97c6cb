package kv.proxy.command;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import kv.protocol.command.KvTraits;
import kv.protocol.command.CommandSpec;
import kv.protocol.command.CommandTable;
import kv.protocol.ops.CommandObservers;
import kv.protocol.ops.Monitors;
import kv.protocol.resp.Replies;
import kv.protocol.resp.RespValue;
import kv.protocol.resp.Request;
import kv.protocol.tcp.DeferredReply;
import kv.protocol.tcp.Reply;
import kv.protocol.tcp.ReplyBatch;
import kv.protocol.tcp.RequestBatch;
import kv.protocol.tcp.Response;
import kv.proxy.backend.Backend;
import kv.proxy.backend.BackendUnavailableException;
import kv.proxy.backend.Backends;
import kv.proxy.backend.Databases;
import kv.proxy.cache.CoherentCache;
import kv.proxy.cache.WritesInFlight;
import kv.proxy.session.ClientSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;

/**
 * Forwards GETs and SETs the way twemproxy does, pipelined: the GET misses and SETs bound for one
 * backend leave as one pipelined write, so many requests cost one round trip per backend instead
 * of one each.
 *
 * <p>Design note: a client's request (or pipelined batch) of {@code GET key} and
 * {@code SET key value} is a <em>run</em>. Each GET of a run that no earlier write of the run
 * names first
 * joins the cache ({@link CoherentCache#begin}: a hit needs nothing, a miss places its
 * placeholder before anything is sent). A run answered entirely from the cache is answered at
 * once. Any other run waits for the end of the event loop's round ({@link #runRound}, the
 * loop's before-flush hook): then the runs of every client of the round leave together, one
 * pipeline per backend, and the loop goes on serving other clients. When a backend's replies
 * are in (read by the same loop: the backend connections are on it too) the SETs' keys are withdrawn from the cache,
 * placeholders filled, and each client's {@link DeferredReply} resolved; the loop then sends it.
 * A client with a reply outstanding has no further request run meanwhile (see {@code RespConnection}), so its
 * next request runs only after the previous one is answered, as one at a time. Everything else
 * (and a GET of a key the batch has just SET) goes through the {@link ProxyDispatcher} one request at a time,
 * in order: on the loop if the proxy answers it itself (PING, INFO, CLIENT ...), on a worker
 * thread if it waits on backends (DEL, MGET, DUMP ...), so that no client's round trip holds
 * up the loop. The coherence rules are those of a single GET or SET.
 *
 * <p>A GET of a key that the run has written before it (the pipeline {@code SET k v; GET k}) is a
 * <em>read behind a write</em>: it must see that write, which has not been acknowledged yet, so
 * the cache can answer it neither with a hit (the old value) nor with a placeholder (which the
 * write's withdrawal removes anyway). It travels to the owner in the same backend pipeline right
 * behind its write, since a backend runs one connection's commands in order and one key always
 * has one owner, and its reply goes to the client as it came, uncached. Before, such a GET ended
 * the run and each command after it went alone, one backend round trip each: 50k
 * {@code SET k v; GET k} pairs took 8.4 s through the proxy against 0.40 s on kv-server directly
 * (issue 16; {@code bench/results/2026-12-02-shapes-proxy.md}).
 */
@Component
public class PipelineForwarder {

    private static final Logger log = LoggerFactory.getLogger(PipelineForwarder.class);

    private final ProxyDispatcher dispatcher;
    private final CoherentCache cache;
    private final Backends backends;
    /** Runs the commands that wait on backends one at a time (DEL, MGET, DUMP, ...) off the event loop. */
    private final Executor workers;
    /** The runs waiting for the end of the round, one list per event loop thread. */
    private final ThreadLocal<List<Run>> rounds = ThreadLocal.withInitial(ArrayList::new);

    /** MONITOR (fed here, as requests arrive), SLOWLOG and LATENCY (a forwarded run's time, in {@link Run#reply}). */
    private final CommandObservers observers;

    public PipelineForwarder(ProxyDispatcher dispatcher, CoherentCache cache, Backends backends,
                             @Qualifier("proxyWorkers") Executor workers, CommandObservers observers) {
        this.observers = observers;
        this.dispatcher = dispatcher;
        this.cache = cache;
        this.backends = backends;
        this.workers = workers;
    }

    /** A client's run of GETs and SETs and what is known of it so far. */
    private final class Run {
        final ClientSession session;
        final List<Request> requests;
        final boolean single;
        final CoherentCache.PendingRead[] reads;
        final RespValue[] replies;
        /** The backend's replies to the PTTL sent behind each GET that placed a placeholder. */
        final RespValue[] ttls;
        final boolean[] unreachable;
        /** GETs of a key written earlier in the run: sent behind that write, answered uncached. */
        final boolean[] behindWrite;
        DeferredReply deferred;
        /** When the run began: its requests' time in the slow log is the run's, backend round trip included. */
        final long startedNanos = System.nanoTime();

        Run(ClientSession session, List<Request> requests, boolean single) {
            this.session = session;
            this.requests = requests;
            this.single = single;
            this.reads = new CoherentCache.PendingRead[requests.size()];
            this.replies = new RespValue[requests.size()];
            this.ttls = new RespValue[requests.size()];
            this.unreachable = new boolean[requests.size()];
            this.behindWrite = new boolean[requests.size()];
        }

        /**
         * Joins the cache for every GET that no earlier write of the run names; true if no request
         * needs a backend.
         */
        boolean begin() {
            boolean allAnswered = true;
            Set<ByteBuffer> written = null;
            for (int i = 0; i < requests.size(); i++) {
                Request request = requests.get(i);
                ByteBuffer key = ByteBuffer.wrap(request.arg(1));
                if (!isGet(request)) {
                    if (written == null) {
                        written = new HashSet<>();
                    }
                    written.add(key);
                    allAnswered = false;
                }
                else if (written != null && written.contains(key)) {
                    behindWrite[i] = true;
                    cache.readThrough();
                    allAnswered = false;
                }
                else {
                    reads[i] = cache.begin(backends.owner(request.arg(1)), session.db(), request.arg(1));
                    allAnswered &= reads[i].answered();
                }
            }
            return allAnswered;
        }

        /** Completes once the GETs that wait on another request's fetch can be answered (or after the wait limit). */
        CompletableFuture<?> othersFetching() {
            List<CompletableFuture<?>> waits = null;
            for (CoherentCache.PendingRead read : reads) {
                if (read != null && !read.known().isDone()) {
                    if (waits == null) {
                        waits = new ArrayList<>();
                    }
                    waits.add(read.known());
                }
            }
            if (waits == null) {
                return CompletableFuture.completedFuture(null);
            }
            // One wait (the common case) is a stage of its own: allOf of a single future pushes two
            // completions onto the shared placeholder, and orTimeout must never complete the
            // placeholder itself.
            CompletableFuture<?> all = waits.size() == 1 ? waits.get(0).thenApply(known -> known)
                    : CompletableFuture.allOf(waits.toArray(CompletableFuture[]::new));
            return all.orTimeout(cache.waitMillis(), TimeUnit.MILLISECONDS);
        }

        /** True if a GET of the run must be read again: answering it would block. */
        boolean mustRefetch() {
            for (int i = 0; i < reads.length; i++) {
                if (reads[i] != null && !unreachable[i] && reads[i].mustRefetch()) {
                    return true;
                }
            }
            return false;
        }

        /**
         * The reply to the whole run, once every backend reply is in. A key read twice in the run
         * gets its first read's answer both times: no write of the run comes between them (see
         * {@link #begin}), while the cache, asked again, might read the key anew (a value gone
         * stale or due meanwhile) and see a write that the run sends after the second GET.
         */
        Response.Ready reply() {
            List<Reply> out = new ArrayList<>(requests.size());
            Map<ByteBuffer, CoherentCache.Read> firstReads = new HashMap<>();
            for (int i = 0; i < requests.size(); i++) {
                out.add(new Reply(answer(i, firstReads), session.protocol(), false));
            }
            long nanos = System.nanoTime() - startedNanos;
            if (observers.noteworthy(nanos)) {
                for (Request request : requests) {
                    observers.timed(CommandTable.lookup(request.arg(0)), request, session, nanos);
                }
            }
            return single ? out.get(0) : new ReplyBatch(out);
        }

        private RespValue answer(int i, Map<ByteBuffer, CoherentCache.Read> firstReads) {
            if (behindWrite[i] && !unreachable[i]) {
                return KeyCommands.marked(new CoherentCache.Read(replies[i], false), session);
            }
            if (reads[i] == null || unreachable[i]) {
                return replies[i]; // a SET's reply, or the error of a failed fetch
            }
            try {
                ByteBuffer key = ByteBuffer.wrap(requests.get(i).arg(1));
                CoherentCache.Read first = firstReads.get(key);
                CoherentCache.Read read = first != null ? cache.again(reads[i], first) : cache.finish(reads[i], replies[i]);
                firstReads.putIfAbsent(key, read);
                return KeyCommands.marked(read, session);
            }
            catch (BackendUnavailableException e) {
                return Replies.error(e.getMessage());
            }
        }
    }

    /** A single request from a client. */
    public Response dispatch(Object payload, ClientSession session) {
        if (payload instanceof Request request && observers.monitors().active()) {
            show(request, session);
        }
        if ((session.pinned() || session.subscriberMode()) && payload instanceof Request) {
            // A transaction is open: everything goes through it, on a worker (its connection blocks).
            return offload(session, () -> dispatcher.dispatch(payload, session));
        }
        if (payload instanceof Request request && forwardable(request) && !session.controlsReplies()
                && dispatcher.admits(List.of(request), session)) {
            session.lastCommand(CommandTable.lookup(request.arg(0)).name()); // CLIENT LIST's cmd
            return forwardOrDefer(new Run(session, List.of(request), true));
        }
        if (payload instanceof Request request && needsBackend(request)) {
            return offload(session, () -> dispatcher.dispatch(request, session));
        }
        return dispatcher.dispatch(payload, session); // answered by the proxy itself
    }

    /** A client's pipelined batch. */
    public Response dispatch(RequestBatch batch, ClientSession session) {
        if (observers.monitors().active()) {
            batch.requests().forEach(request -> show(request, session));
        }
        if (batch.malformed() == null && !session.controlsReplies() && !session.pinned() && !session.subscriberMode()
                && runEnd(batch.requests(), 0, Integer.MAX_VALUE) == batch.requests().size()
                && dispatcher.admits(batch.requests(), session)) {
            if (!batch.requests().isEmpty()) {
                session.lastCommand(CommandTable.lookup(batch.requests().get(batch.requests().size() - 1).arg(0)).name());
            }
            return forwardOrDefer(new Run(session, batch.requests(), false));
        }
        if (session.pinned() || session.subscriberMode() || batch.requests().stream().anyMatch(this::needsBackend)) {
            return offload(session, () -> dispatchInOrder(batch, session));
        }
        return dispatchInOrder(batch, session);
    }

    /**
     * Shows a request to the monitors as the proxy receives it: what its clients send, not what
     * it forwards to the backends (each backend's own MONITOR shows that, from the proxy's address).
     * Not shown, as in Redis: an unknown command, a wrong number of arguments, a monitor's
     * keyspace command (refused by the dispatcher).
     */
    private void show(Request request, ClientSession session) {
        CommandSpec spec = CommandTable.lookup(request.arg(0));
        if (spec == null || !spec.acceptsArity(request.size())) {
            return;
        }
        CommandSpec effective = CommandObservers.effective(spec, request);
        if (Monitors.refusal(session, effective) == null) {
            observers.show(effective, request, session.address(), session.db());
        }
    }

    /**
     * The proxy must ask a backend: its spec routes it to a key's owner, the cache or every
     * backend, or the proxy's own handler asks them (SCAN, RANDOMKEY).
     */
    private boolean needsBackend(Request request) {
        CommandSpec spec = CommandTable.lookup(request.arg(0));
        if (spec == null || spec.kv().proxy() == KvTraits.ProxyRoute.NONE) {
            return false;
        }
        return spec.kv().proxy() != KvTraits.ProxyRoute.LOCAL || dispatcher.waitsOnBackends(spec);
    }

    /**
     * Runs {@code work}, which waits on backends, on a worker thread, so that one client's DUMP
     * or DEL does not hold up every other client of the event loop. The client itself is not
     * read until the reply is resolved, so its requests still run in order.
     */
    private DeferredReply offload(ClientSession session, Supplier<Response.Ready> work) {
        DeferredReply deferred = new DeferredReply();
        try {
            workers.execute(() -> {
                Response.Ready reply;
                try {
                    reply = work.get();
                }
                catch (RuntimeException e) {
                    log.error("A request from " + session.address() + " failed", e);
                    reply = new Reply(Replies.error("ERR kv-proxy: " + e.getMessage()), session.protocol(), false);
                }
                deferred.resolve(reply);
            });
        }
        catch (RejectedExecutionException e) {
            deferred.resolve(new Reply(Replies.error("ERR kv-proxy is shutting down"), session.protocol(), false));
        }
        return deferred;
    }

    /**
     * A round never holds two runs of one client: once a run is deferred, the connection runs
     * no further request of that client until the run is answered (it reads them ahead).
     */
    private Response forwardOrDefer(Run run) {
        if (run.begin()) {
            return run.reply(); // all from the cache
        }
        run.deferred = new DeferredReply();
        rounds.get().add(run);
        return run.deferred;
    }

    /**
     * Sends every run waiting in this loop's round, one pipeline per backend, without waiting:
     * each run's reply is resolved on the event loop that reads the backends' replies once its backends
     * have answered, and the event loop sends it then. The loop runs this before it sends the
     * round's other replies.
     */
    public void runRound() {
        List<Run> round = rounds.get();
        if (round.isEmpty()) {
            return;
        }
        List<Run> runs = new ArrayList<>(round);
        round.clear();
        forward(runs).whenComplete((done, error) -> {
            for (Run run : runs) {
                if (run.deferred.ready() != null) {
                    continue;
                }
                if (error != null) {
                    run.deferred.resolve(failure(run, error));
                    continue;
                }
                // GETs of keys another request is fetching are answered once its reply is in.
                run.othersFetching().whenComplete((known, late) -> {
                    if (late == null && !run.mustRefetch()) {
                        resolve(run); // here, on the event loop that read the last reply
                    }
                    else {
                        resolveOnWorker(run); // finishing may block: a timeout to sit out, a key to read again
                    }
                });
            }
        });
    }

    private void resolve(Run run) {
        try {
            run.deferred.resolve(run.reply());
        }
        catch (RuntimeException e) {
            log.error("Answering a forwarded run failed", e);
            run.deferred.resolve(failure(run, e));
        }
    }

    private void resolveOnWorker(Run run) {
        try {
            workers.execute(() -> resolve(run));
        }
        catch (RejectedExecutionException e) {
            run.deferred.resolve(failure(run, new IllegalStateException("kv-proxy is shutting down")));
        }
    }

    private static Response.Ready failure(Run run, Throwable e) {
        List<Reply> out = Collections.nCopies(run.requests.size(),
                new Reply(Replies.error("ERR kv-proxy: " + e.getMessage()), run.session.protocol(), false));
        return run.single ? out.get(0) : new ReplyBatch(out);
    }

    /** A batch that is not one run: runs forwarded together, everything else one by one, in order. */
    private ReplyBatch dispatchInOrder(RequestBatch batch, ClientSession session) {
        List<Request> requests = batch.requests();
        List<Reply> replies = new ArrayList<>(requests.size() + 1);
        int i = 0;
        while (i < requests.size()) {
            if (session.pinned()) {
                // Inside MULTI, queued commands and their EXEC leave together when they can.
                List<Reply> queued = dispatcher.queueAll(requests.subList(i, requests.size()), session);
                if (!queued.isEmpty()) {
                    replies.addAll(queued);
                    i += queued.size();
                    continue;
                }
            }
            // CLIENT REPLY, or a transaction open (MULTI, WATCH): one by one.
            int end = session.controlsReplies() || session.pinned() || session.subscriberMode() ? i : runEnd(requests, i, 2);
            for (int j = i; j < end; j++) {
                if (!dispatcher.admits(List.of(requests.get(j)), session)) {
                    end = j; // a refused request is answered by the dispatcher, never forwarded
                }
            }
            if (end == i) {
                Response.Ready reply = dispatcher.dispatch(requests.get(i), session);
                reply.addTo(replies);
                if (reply.closeAfterWrite()) {
                    return new ReplyBatch(replies);
                }
                i++;
                continue;
            }
            Run run = new Run(session, requests.subList(i, end), false);
            run.begin();
            forward(List.of(run)).join();
            run.reply().addTo(replies);
            i = end;
        }
        if (batch.malformed() != null) {
            dispatcher.dispatch(batch.malformed(), session).addTo(replies);
        }
        return new ReplyBatch(replies);
    }

    /**
     * End (exclusive) of the run of forwardable requests from {@code start}: at the first other
     * command; start if it would be shorter than {@code minimum}. A key read or written twice is
     * fine: two GETs before any write of their key share one placeholder, SETs reach their backend
     * in order, and a GET behind a SET of its key travels right behind it ({@link Run#begin}).
     */
    private static int runEnd(List<Request> requests, int start, int minimum) {
        int i = start;
        while (i < requests.size() && forwardable(requests.get(i))) {
            i++;
        }
        return i - start >= Math.min(minimum, requests.size() - start) ? i : start;
    }

    /** A cached read of one key (GET), or a group-commit write of one key (SET k v, PUT, MSET k v). */
    private static boolean forwardable(Request request) {
        CommandSpec spec = CommandTable.lookup(request.arg(0));
        return spec != null && spec.acceptsArity(request.size())
                && (spec.kv().proxy() == KvTraits.ProxyRoute.CACHE
                || spec.kv().groupCommit() && spec.firstKey() == 1 && spec.namesOneKey(request.size()));
    }

    private static boolean isGet(Request request) {
        CommandSpec spec = CommandTable.lookup(request.arg(0));
        return spec != null && spec.kv().proxy() == KvTraits.ProxyRoute.CACHE && spec.acceptsArity(request.size());
    }

    /**
     * Sends what {@code runs} need from the backends, one pipeline per backend, and completes
     * once every reply is in and the cache has been updated: the SETs' keys withdrawn, the
     * placeholders filled.
     */
    private CompletableFuture<Void> forward(List<Run> runs) {
        // Where each request's reply will be: run, request, reply index, PTTL reply index or -1.
        Map<Backend, List<int[]>> sends = new LinkedHashMap<>();
        Map<Backend, Databases.Pipeline> pipelines = new IdentityHashMap<>();
        List<byte[]> written = new ArrayList<>();
        long sentAt = cache.now(); // before anything leaves: the TTLs read count from here
        for (int r = 0; r < runs.size(); r++) {
            Run run = runs.get(r);
            int db = run.session.db();
            for (int i = 0; i < run.requests.size(); i++) {
                Request request = run.requests.get(i);
                CoherentCache.PendingRead read = run.reads[i];
                if (read != null && !read.mustFetch()) {
                    continue; // a hit, or a read another request is fetching
                }
                boolean write = read == null && !run.behindWrite[i];
                Backend owner = backends.owner(request.arg(1));
                Databases.Pipeline pipeline = pipelines.computeIfAbsent(owner, b -> new Databases.Pipeline());
                int reply = pipeline.add(db, read != null ? CoherentCache.getRequest(request.arg(1)) : request);
                int ttl = read != null && read.mustFetchTtl()
                        ? pipeline.add(db, CoherentCache.ttlRequest(request.arg(1))) : -1;
                sends.computeIfAbsent(owner, b -> new ArrayList<>()).add(new int[] {r, i, reply, ttl});
                if (write) {
                    written.add(request.arg(1));
                }
            }
        }
        WritesInFlight.Writes writes = cache.sending(written); // before anything leaves
        List<CompletableFuture<Void>> answered = new ArrayList<>(sends.size());
        for (Map.Entry<Backend, List<int[]>> send : sends.entrySet()) {
            List<int[]> positions = send.getValue();
            Databases.Pipeline pipeline = pipelines.get(send.getKey());
            answered.add(send.getKey().callAllAsync(pipeline.requests()).handle((answers, error) -> {
                for (int k = 0; k < positions.size(); k++) {
                    int[] position = positions.get(k);
                    Run run = runs.get(position[0]);
                    int i = position[1];
                    if (error == null) {
                        run.replies[i] = pipeline.reply(answers, position[2]);
                        if (position[3] >= 0) {
                            run.ttls[i] = pipeline.reply(answers, position[3]);
                        }
                        continue;
                    }
                    RuntimeException cause = unavailable(send.getKey(), error);
                    run.replies[i] = Replies.error(cause.getMessage());
                    run.unreachable[i] = true;
                    if (run.reads[i] != null) {
                        cache.failed(run.reads[i], cause);
                    }
                }
                return null;
            }));
        }
        return CompletableFuture.allOf(answered.toArray(CompletableFuture[]::new)).thenRun(() -> {
            // Withdrawn whatever the outcome, before the clients hear back (read-your-writes).
            cache.written(writes);
            // Every placeholder of these runs is filled before any waits on anyone else's.
            for (Run run : runs) {
                for (int i = 0; i < run.requests.size(); i++) {
                    if (run.reads[i] != null && !run.unreachable[i]) {
                        cache.fill(run.reads[i], run.replies[i], run.ttls[i], sentAt);
                    }
                }
            }
        });
    }

    private static RuntimeException unavailable(Backend backend, Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        return cause instanceof BackendUnavailableException unavailable ? unavailable
                : new BackendUnavailableException(backend, cause);
    }
}
