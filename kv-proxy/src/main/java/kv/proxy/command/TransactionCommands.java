package kv.proxy.command;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import kv.protocol.command.CommandFlag;
import kv.protocol.command.CommandGroup;
import kv.protocol.command.CommandHandler;
import kv.protocol.command.CommandSpec;
import kv.protocol.command.CommandTable;
import kv.protocol.command.KvTraits;
import kv.protocol.resp.Replies;
import kv.protocol.resp.RespValue;
import kv.protocol.resp.Request;
import kv.proxy.backend.Backend;
import kv.proxy.backend.BackendUnavailableException;
import kv.proxy.backend.Backends;
import kv.proxy.backend.Databases;
import kv.proxy.backend.PinnedConnection;
import kv.proxy.cache.CoherentCache;
import kv.proxy.session.ClientSession;
import org.springframework.stereotype.Component;

/**
 * MULTI, EXEC, DISCARD, WATCH and UNWATCH through the proxy: a client's transaction runs on one
 * backend, on a connection of its own ({@link PinnedConnection}) from its WATCH or its first
 * key-bearing command until EXEC, DISCARD or UNWATCH, so that no other client's command lands in
 * it.
 *
 * <p>Design note: the backend is chosen by the first command that names keys (or by WATCH), so a
 * MULTI opens on the proxy alone: commands without keys before that are checked (existence, arity)
 * and answered {@code +QUEUED} by the proxy, and sent to the backend behind MULTI once it is
 * chosen (the first backend if EXEC comes first). A command whose keys live on another backend
 * than the transaction's gets {@code -CROSSSLOT} (Redis Cluster's error for the same situation)
 * and, as every queue-time error does in Redis, makes EXEC answer {@code -EXECABORT}: the proxy
 * then sends DISCARD instead of EXEC, so nothing of it runs, never a part. Other queue-time
 * errors (wrong arity, a command the backend refuses) are the backend's own, passed through.
 * EXEC's reply passes through unchanged; the cache withdraws every key the queued commands write
 * (and everything, for FLUSHDB) before the client gets it. Reads inside MULTI are queued on the
 * backend, never answered from the cache, and so are reads of the watched backend's keys between
 * WATCH and EXEC (a cached value could predate the WATCH and defeat it). A SELECT queued in the
 * transaction runs at EXEC on the backend, and the client is on that database afterwards, as in
 * Redis. Commands the proxy answers itself (CLIENT, CONFIG, INFO, SCRIPT, SUBSCRIBE, SCAN ...) are
 * queued by the proxy ({@code +QUEUED}, as Redis queues them) and run by it once the backend's EXEC
 * has answered with its array, their replies put into that array where they were queued; if EXEC
 * runs nothing (a WATCHed key changed, EXECABORT) neither do they. They are not atomic with the
 * backend's commands (they touch no keys: a client's name, a subscription, a setting, a SCAN of
 * every backend), and run after them (a SCRIPT LOAD queued before an EVALSHA of its script loads it
 * too late for that EVALSHA). Commands the proxy does not forward at all (SWAPDB) are refused as
 * outside MULTI, and abort the transaction as an unknown command does in Redis.
 */
@Component
public class TransactionCommands implements CommandGroup<ClientSession> {

    /** Redis Cluster's text, with the proxy's reason. */
    static final String CROSSSLOT = "CROSSSLOT Keys in request don't hash to the same slot"
            + " (kv-proxy: a transaction's or a script's keys must all live on one backend)";

    private static final RespValue QUEUED = new RespValue.SimpleString("QUEUED");
    private static final RespValue EXECABORT =
            Replies.error("EXECABORT Transaction discarded because of previous errors.");
    private static final Request MULTI = Request.of("MULTI");
    private static final Request EXEC = Request.of("EXEC");
    private static final Request DISCARD = Request.of("DISCARD");
    private static final Request UNWATCH = Request.of("UNWATCH");

    /** Commands the proxy answers itself that mean the same when the backend runs them in a transaction. */
    private static final Set<String> QUEUEABLE_LOCAL = Set.of("ping", "echo", "time", "select", "unwatch",
            "eval", "evalsha", "eval_ro", "evalsha_ro", "publish");

    /** Scripts that may write: their declared keys are withdrawn like a write's. */
    static final Set<String> WRITING_SCRIPTS = Set.of("eval", "evalsha");

    private final Backends backends;
    private final CoherentCache cache;
    private final Map<Long, Transaction> open = new ConcurrentHashMap<>();
    /** Runs a command the proxy answers itself, outside the transaction: set by the dispatcher. */
    private volatile LocalCommands local = (request, session) -> List.of(
            Replies.error("ERR kv-proxy: no dispatcher for '" + request.argString(0) + "'"));
    /** Clients whose close hook is registered (once per connection, not per transaction). */
    private final Set<Long> hooked = ConcurrentHashMap.newKeySet();

    public TransactionCommands(Backends backends, CoherentCache cache) {
        this.backends = backends;
        this.cache = cache;
    }

    @Override
    public void register(Map<String, CommandHandler<ClientSession>> handlers) {
        handlers.put("multi", (BackendCommandHandler) this::multi);
        handlers.put("exec", (BackendCommandHandler) this::exec);
        handlers.put("discard", (BackendCommandHandler) this::discard);
        handlers.put("watch", (BackendCommandHandler) this::watch);
        handlers.put("unwatch", (BackendCommandHandler) this::unwatch);
    }

    /**
     * Runs, for EXEC, a command the proxy answers itself: its replies (one, or a SUBSCRIBE's
     * confirmations, one per channel).
     */
    @FunctionalInterface
    public interface LocalCommands {
        List<RespValue> run(Request request, ClientSession session);
    }

    /** How the commands the proxy answers itself run when EXEC comes: the dispatcher's handlers. */
    void runLocalCommandsWith(LocalCommands local) {
        this.local = local;
    }

    /** True between the client's MULTI and its EXEC or DISCARD. */
    boolean inMulti(ClientSession session) {
        Transaction tx = session.pinned() ? open.get(session.id()) : null;
        return tx != null && tx.multi;
    }

    /**
     * A command the access check refused while the client is in MULTI: as on Redis
     * ({@code rejectCommand} flags the transaction), its EXEC will answer EXECABORT and run nothing.
     */
    void refusedInMulti(ClientSession session) {
        Transaction tx = session.pinned() ? open.get(session.id()) : null;
        if (tx != null && tx.multi) {
            tx.aborted = true;
        }
    }

    /**
     * EXEC itself refused (NOAUTH, NOPERM): as Redis's {@code execCommandAbort}, the transaction
     * (and its WATCHes) is discarded and the refusal is told inside EXECABORT.
     */
    RespValue execRefused(RespValue.Error refusal, ClientSession session) {
        abandon(session); // closes the pinned connection, so the backend drops MULTI and WATCH
        return Replies.error("EXECABORT Transaction discarded because of: " + refusal.message());
    }

    /** Open transactions (for tests and INFO). */
    public int openTransactions() {
        return open.size();
    }

    // ---- the commands -------------------------------------------------------------------------

    RespValue multi(Request request, ClientSession session) {
        Transaction tx = open.get(session.id());
        if (tx != null && tx.multi) {
            return Replies.error("ERR MULTI calls can not be nested");
        }
        Transaction opened = tx != null ? tx : begin(session);
        opened.multi = true;
        if (opened.pinned()) { // pinned by WATCH
            RespValue reply = callPinned(opened, session, () -> opened.connection.call(session.db(), MULTI));
            opened.backendMulti = !(reply instanceof RespValue.Error);
            return reply;
        }
        return Replies.OK;
    }

    RespValue exec(Request request, ClientSession session) {
        Transaction tx = open.get(session.id());
        if (tx == null || !tx.multi) {
            return Replies.error("ERR EXEC without MULTI");
        }
        return withLocalReplies(tx, execOnBackend(tx, session), session);
    }

    private RespValue execOnBackend(Transaction tx, ClientSession session) {
        boolean ran = false;
        try {
            if (tx.aborted) {
                if (tx.pinned() && !tx.connection.broken()) {
                    tx.connection.call(DISCARD);
                }
                return EXECABORT;
            }
            if (!tx.pinned() && tx.queued.isEmpty()) {
                return new RespValue.Array(List.of()); // nothing for a backend (the proxy's own commands at most)
            }
            if (!tx.pinned()) {
                pin(tx, backends.all().get(0), session);
            }
            ran = true;
            RespValue reply = tx.connection.call(EXEC);
            followSelects(tx, reply, session);
            return reply;
        }
        catch (BackendUnavailableException e) {
            return Replies.error(e.getMessage());
        }
        finally {
            if (ran) {
                // Withdrawn whatever the outcome, before the client hears back: after a failure
                // the backend may or may not have run it.
                invalidate(tx.queued);
            }
            end(tx, session);
        }
    }

    RespValue discard(Request request, ClientSession session) {
        Transaction tx = open.get(session.id());
        if (tx == null || !tx.multi) {
            return Replies.error("ERR DISCARD without MULTI");
        }
        try {
            if (tx.pinned() && !tx.connection.broken()) {
                tx.connection.call(DISCARD); // also forgets the WATCHes, as on Redis
            }
            return Replies.OK;
        }
        catch (BackendUnavailableException e) {
            return Replies.OK; // the connection is closed: the backend dropped the transaction with it
        }
        finally {
            end(tx, session);
        }
    }

    RespValue watch(Request request, ClientSession session) {
        Transaction tx = open.get(session.id());
        if (tx != null && tx.multi) {
            return Replies.error("ERR WATCH inside MULTI is not allowed");
        }
        List<byte[]> keys = CommandTable.get("watch").keys(request);
        Backend owner = commonOwner(keys);
        if (owner == null || tx != null && tx.pinned() && owner != tx.backend) {
            return Replies.error(CROSSSLOT);
        }
        Transaction watching = tx != null ? tx : begin(session);
        try {
            if (!watching.pinned()) {
                pin(watching, owner, session);
            }
            RespValue reply = watching.connection.call(session.db(), request);
            if (!(reply instanceof RespValue.Error)) {
                watching.watching = true;
            }
            else if (!watching.watching) {
                end(watching, session);
            }
            return reply;
        }
        catch (BackendUnavailableException e) {
            end(watching, session);
            return Replies.error(e.getMessage());
        }
    }

    /** UNWATCH outside MULTI (inside, it is queued like any command). */
    RespValue unwatch(Request request, ClientSession session) {
        Transaction tx = open.get(session.id());
        if (tx == null) {
            return Replies.OK;
        }
        try {
            if (tx.pinned() && !tx.connection.broken()) {
                return tx.connection.call(UNWATCH);
            }
            return Replies.OK;
        }
        catch (BackendUnavailableException e) {
            return Replies.OK; // closed: the backend forgot the WATCHes with the connection
        }
        finally {
            end(tx, session);
        }
    }

    // ---- everything else while a client is pinned ---------------------------------------------

    /**
     * A request of a client with an open transaction ({@link ClientSession#pinned()}): queued in
     * its MULTI, or run on its pinned connection between WATCH and MULTI if its keys are on the
     * watched backend; null if the dispatcher should handle it as usual.
     */
    RespValue intercept(Request request, ClientSession session) {
        Transaction tx = open.get(session.id());
        if (tx == null) {
            session.pinned(false);
            return null;
        }
        CommandSpec spec = CommandTable.lookup(request.arg(0));
        String name = spec == null ? null : spec.name();
        if ("reset".equals(name)) {
            abandon(session); // RESET discards the transaction and forgets the WATCHes, as on Redis
            return null;
        }
        if (spec != null && Set.of("multi", "exec", "discard", "watch", "quit").contains(name)) {
            return null;
        }
        if (tx.multi) {
            return queue(tx, request, spec, session);
        }
        // Between WATCH and MULTI: reads and writes of the watched backend's keys on its connection.
        if (spec == null || "unwatch".equals(name) || !spec.acceptsArity(request.size())) {
            return null;
        }
        boolean routed = spec.kv().proxy() == KvTraits.ProxyRoute.CACHE || spec.kv().proxy() == KvTraits.ProxyRoute.OWNER
                || name.startsWith("eval");
        List<byte[]> keys = spec.keys(request);
        if (!routed || keys.isEmpty() || commonOwner(keys) != tx.backend) {
            return null;
        }
        try {
            return callPinned(tx, session, () -> tx.connection.call(session.db(), request));
        }
        finally {
            if (writes(spec)) {
                cache.written(keys);
            }
        }
    }

    /**
     * Pipelined commands of a client in MULTI on a pinned transaction (redis-py's and Jedis's
     * pipelines): the leading ones that need no decision of the proxy's (known, legal arity,
     * queueable, keys on the transaction's backend or none), and an EXEC right behind them, go to
     * the backend in one write instead of one round trip each. Returns their replies, in order
     * (empty if the first one needs the one-by-one path).
     */
    List<RespValue> queueAll(List<Request> requests, ClientSession session) {
        Transaction tx = session.pinned() ? open.get(session.id()) : null;
        if (tx == null || !tx.multi || !tx.pinned() || tx.aborted || tx.connection.broken()) {
            return List.of();
        }
        List<Request> batch = new ArrayList<>();
        boolean exec = false;
        for (Request request : requests) {
            CommandSpec spec = CommandTable.lookup(request.arg(0));
            if (spec == null || !spec.acceptsArity(request.size())) {
                break;
            }
            if ("exec".equals(spec.name())) {
                batch.add(request);
                exec = true;
                break;
            }
            KvTraits.ProxyRoute route = spec.kv().proxy();
            if (route == KvTraits.ProxyRoute.NONE || route == KvTraits.ProxyRoute.LOCAL && !QUEUEABLE_LOCAL.contains(spec.name())) {
                break;
            }
            List<byte[]> keys = spec.keys(request);
            if (!keys.isEmpty() && commonOwner(keys) != tx.backend) {
                break;
            }
            batch.add(request);
        }
        if (batch.size() < 2) {
            return List.of(); // nothing to gain
        }
        int queuedCount = exec ? batch.size() - 1 : batch.size();
        List<RespValue> replies;
        try {
            replies = tx.connection.callAll(batch);
        }
        catch (BackendUnavailableException e) {
            List<RespValue> failed = new ArrayList<>();
            for (int i = 0; i < batch.size(); i++) {
                failed.add(Replies.error(e.getMessage()));
            }
            tx.aborted = true;
            if (exec) {
                invalidate(tx.queued);
                invalidate(batch.subList(0, queuedCount));
                end(tx, session);
            }
            return failed;
        }
        for (int i = 0; i < queuedCount; i++) {
            if (replies.get(i) instanceof RespValue.SimpleString) {
                tx.queued.add(batch.get(i));
            }
        }
        if (exec) {
            try {
                followSelects(tx, replies.get(queuedCount), session);
            }
            finally {
                invalidate(tx.queued); // before the client hears back
                end(tx, session);
            }
            replies = new ArrayList<>(replies);
            replies.set(queuedCount, withLocalReplies(tx, replies.get(queuedCount), session));
        }
        return replies;
    }

    private RespValue queue(Transaction tx, Request request, CommandSpec spec, ClientSession session) {
        if (spec == null) {
            tx.aborted = true;
            return Replies.error("ERR unknown command '" + request.argString(0)
                    + "': kv-proxy forwards only the commands in kv's command table");
        }
        if (!spec.acceptsArity(request.size())) {
            tx.aborted = true;
            return Replies.wrongArity(spec.name());
        }
        KvTraits.ProxyRoute route = spec.kv().proxy();
        if (route == KvTraits.ProxyRoute.NONE) {
            tx.aborted = true;
            return Replies.error("ERR '" + spec.name() + "' is not supported by kv-proxy; send it to a server directly");
        }
        if (route == KvTraits.ProxyRoute.LOCAL && !QUEUEABLE_LOCAL.contains(spec.name())) {
            tx.locals.add(new Transaction.Local(tx.size(), request));
            return QUEUED;
        }
        if (tx.aborted && tx.pinned() && tx.connection.broken()) {
            return Replies.error("ERR the transaction's backend connection was lost; EXEC will abort");
        }
        List<byte[]> keys = spec.keys(request);
        if (!keys.isEmpty()) {
            Backend owner = commonOwner(keys);
            if (owner == null || tx.pinned() && owner != tx.backend) {
                tx.aborted = true;
                return Replies.error(CROSSSLOT);
            }
            if (!tx.pinned()) {
                try {
                    pin(tx, owner, session);
                }
                catch (BackendUnavailableException e) {
                    tx.aborted = true;
                    return Replies.error(e.getMessage());
                }
            }
        }
        if (!tx.pinned()) {
            tx.buffered.add(request);
            tx.queued.add(request);
            return QUEUED;
        }
        RespValue reply = callPinned(tx, session, () -> tx.connection.call(request));
        if (reply instanceof RespValue.SimpleString) {
            tx.queued.add(request);
        }
        return reply;
    }

    /**
     * EXEC's reply with the replies of the commands the proxy queued itself put in where they were
     * queued, once the backend ran its part ({@code backendReply} is its array); they run now, in
     * order. A reply that is not that array (a null array for a WATCH, EXECABORT, an error) runs none.
     */
    private RespValue withLocalReplies(Transaction tx, RespValue backendReply, ClientSession session) {
        if (tx.locals.isEmpty() || !(backendReply instanceof RespValue.Array array)
                || array.elements().size() != tx.queued.size()) {
            return backendReply;
        }
        List<RespValue> elements = new ArrayList<>(tx.size());
        int backendIndex = 0;
        for (int n = 0; n < tx.locals.size(); n++) {
            Transaction.Local command = tx.locals.get(n);
            // Before it: the backend's replies to the commands queued before it (its position counts
            // the n commands of the proxy's before it too).
            while (backendIndex + n < command.position()) {
                elements.add(array.elements().get(backendIndex++));
            }
            elements.addAll(local.run(command.request(), session)); // a SUBSCRIBE of n channels: n confirmations
        }
        elements.addAll(array.elements().subList(backendIndex, array.elements().size()));
        return new RespValue.Array(elements);
    }

    // ---- pinning ------------------------------------------------------------------------------

    private Transaction begin(ClientSession session) {
        Transaction tx = new Transaction();
        open.put(session.id(), tx);
        session.pinned(true);
        if (hooked.add(session.id())) {
            session.whenClosed(() -> {
                abandon(session);
                hooked.remove(session.id());
            });
        }
        return tx;
    }

    /**
     * Takes a connection of {@code owner} for {@code tx}: on the client's database, and, if the
     * client is in MULTI already, with MULTI and the commands buffered so far sent behind it.
     */
    private void pin(Transaction tx, Backend owner, ClientSession session) {
        PinnedConnection connection = owner.pin();
        synchronized (tx) {
            if (tx.abandoned) {
                connection.close();
                throw new BackendUnavailableException(owner, new IllegalStateException("client closed"));
            }
            tx.backend = owner;
            tx.connection = connection;
        }
        List<Request> out = new ArrayList<>();
        int db = session.db();
        if (db != 0) {
            out.add(Databases.select(db));
        }
        if (tx.multi) {
            out.add(MULTI);
            out.addAll(tx.buffered);
        }
        if (out.isEmpty()) {
            return;
        }
        List<RespValue> replies = connection.callAll(out);
        if (db != 0) {
            if (replies.get(0) instanceof RespValue.Error error) {
                throw new BackendUnavailableException(owner, new IllegalStateException(error.message()));
            }
            connection.db(db);
        }
        tx.backendMulti = tx.multi;
        tx.buffered.clear();
    }

    private interface PinnedCall {
        RespValue run();
    }

    /** A call on the pinned connection; a lost connection aborts the transaction instead of failing the client. */
    private RespValue callPinned(Transaction tx, ClientSession session, PinnedCall call) {
        try {
            return call.run();
        }
        catch (BackendUnavailableException e) {
            if (tx.multi) {
                tx.aborted = true;
            }
            else {
                end(tx, session);
            }
            return Replies.error(e.getMessage());
        }
    }

    /** The transaction is over (EXEC, DISCARD, UNWATCH): its connection goes back, clean. */
    private void end(Transaction tx, ClientSession session) {
        open.remove(session.id(), tx);
        session.pinned(false);
        PinnedConnection connection;
        synchronized (tx) {
            connection = tx.connection;
            tx.connection = null;
            if (connection != null && tx.abandoned) {
                connection.close();
                return;
            }
        }
        if (connection != null) {
            connection.backend().release(connection);
        }
    }

    /** The client closed (or RESET) mid-transaction: its connection is closed, so the backend drops MULTI and WATCH. */
    private void abandon(ClientSession session) {
        Transaction tx = open.remove(session.id());
        session.pinned(false);
        if (tx == null) {
            return;
        }
        synchronized (tx) {
            tx.abandoned = true;
            if (tx.connection != null) {
                tx.connection.close();
            }
        }
    }

    // ---- what a transaction did ---------------------------------------------------------------

    /** A SELECT run by EXEC leaves the client (and the pinned connection) on that database, as on Redis. */
    private static void followSelects(Transaction tx, RespValue reply, ClientSession session) {
        if (!(reply instanceof RespValue.Array array) || array.elements().size() != tx.queued.size()) {
            return;
        }
        for (int i = 0; i < tx.queued.size(); i++) {
            Request queued = tx.queued.get(i);
            if (queued.argIs(0, "select") && array.elements().get(i) instanceof RespValue.SimpleString) {
                int db = Integer.parseInt(queued.argString(1));
                session.db(db);
                if (tx.connection != null) {
                    tx.connection.db(db);
                }
            }
        }
    }

    /** Withdraws what {@code requests} may have written: their keys, or everything for a write without keys (FLUSHDB). */
    private void invalidate(List<Request> requests) {
        List<byte[]> keys = new ArrayList<>();
        boolean all = false;
        for (Request request : requests) {
            CommandSpec spec = CommandTable.lookup(request.arg(0));
            if (spec == null || !writes(spec)) {
                continue;
            }
            List<byte[]> written = spec.keys(request);
            if (written.isEmpty() && spec.is(CommandFlag.WRITE)) {
                all = true;
            }
            keys.addAll(written);
        }
        cache.written(keys);
        if (all) {
            cache.writtenAll();
        }
    }

    static boolean writes(CommandSpec spec) {
        return spec.is(CommandFlag.WRITE) || WRITING_SCRIPTS.contains(spec.name());
    }

    /** The one backend owning every key, or null if they live on several (or there are none). */
    Backend commonOwner(List<byte[]> keys) {
        Backend owner = null;
        for (byte[] key : keys) {
            Backend next = backends.owner(key);
            if (owner != null && next != owner) {
                return null;
            }
            owner = next;
        }
        return owner;
    }
}
