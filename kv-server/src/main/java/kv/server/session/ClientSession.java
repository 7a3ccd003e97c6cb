package kv.server.session;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;

import kv.protocol.endpoint.Client;
import kv.protocol.endpoint.ClientRegistry;
import kv.protocol.endpoint.RespConnection;
import kv.protocol.resp.Request;
import kv.protocol.resp.RespValue;
import kv.server.store.KeyValueStore;

/**
 * What the server knows about one client connection beyond every service's {@link Client}: its
 * CLIENT TRACKING mode, the writes its pipeline has staged, its transaction (MULTI's queue, whether
 * a WATCHed key changed), and how to reach its connection (pushes, abort).
 */
public final class ClientSession extends Client {

    private volatile int db;
    private volatile TrackingMode tracking;
    private final List<KeyValueStore.Entry> stagedWrites = new ArrayList<>();
    private long stagedBytes;
    private volatile Consumer<RespValue> pushSink = value -> { };
    private volatile Predicate<RespValue> tryPushSink = value -> true;
    private volatile Runnable abort = () -> { };
    /** The commands queued since MULTI, or null outside MULTI (its event loop thread only). */
    private List<Request> queued;
    /** A command was refused while queueing: EXEC answers EXECABORT (Redis's CLIENT_DIRTY_EXEC). */
    private boolean queueRefused;
    /** A WATCHed key changed: EXEC answers a null array (Redis's CLIENT_DIRTY_CAS); set by any writer. */
    private volatile boolean watchedKeyChanged;
    /** Keys this session watches (see KeyWatches); guarded by the registry. */
    private volatile int watchedKeys;
    private final List<Runnable> whenClosed = new java.util.concurrent.CopyOnWriteArrayList<>();

    ClientSession(long id, String address) {
        super(id, address);
    }

    /** The registry of the server's clients, each with a session of this kind. */
    public static ClientRegistry<ClientSession> registry() {
        return new ClientRegistry<>(ClientSession::new);
    }

    /** The database SELECT chose (0 at first). */
    public int db() {
        return db;
    }

    public void db(int db) {
        this.db = db;
    }

    /** How this connection tracks keys for invalidation, or null. */
    public TrackingMode tracking() {
        return tracking;
    }

    public void tracking(TrackingMode tracking) {
        this.tracking = tracking;
    }

    /** Sends an out-of-band RESP3 push (an invalidation) to this client, from any thread. */
    public void push(RespValue value) {
        pushSink.accept(value);
    }

    /** Pushes without waiting for the connection; false if it is busy (see RespConnection#tryPush). */
    public boolean tryPush(RespValue value) {
        return tryPushSink.test(value);
    }

    /** Set by the connection that carries this session: where {@link #push} and {@link #tryPush} write. */
    public void pushSink(Consumer<RespValue> sink, Predicate<RespValue> trySink) {
        this.pushSink = sink;
        this.tryPushSink = trySink;
    }

    /** Closes the connection at once, dropping replies not yet sent (staged writes failed). */
    public void abort() {
        abort.run();
    }

    /** Set by the connection that carries this session: how {@link #abort} closes it. */
    public void abortWith(Runnable abort) {
        this.abort = abort;
    }

    /** Whether MULTI has been sent and neither EXEC nor DISCARD since. */
    public boolean inMulti() {
        return queued != null;
    }

    /** MULTI: queue the commands from now on. */
    public void beginMulti() {
        queued = new ArrayList<>();
        queueRefused = false;
    }

    /** Queues a command of the transaction. */
    public void queue(Request request) {
        queued.add(request);
    }

    /** A command could not be queued (unknown, wrong arity): EXEC must refuse the whole transaction. */
    public void refuseQueue() {
        queueRefused = true;
    }

    public boolean queueRefused() {
        return queueRefused;
    }

    /** The queued commands (empty outside MULTI). */
    public List<Request> queued() {
        return queued == null ? List.of() : queued;
    }

    /** Ends the transaction: EXEC, DISCARD, RESET. */
    public void endMulti() {
        queued = null;
        queueRefused = false;
    }

    /** Whether a key this session WATCHes has changed since (EXEC will run nothing). */
    public boolean watchedKeyChanged() {
        return watchedKeyChanged;
    }

    public void watchedKeyChanged(boolean changed) {
        this.watchedKeyChanged = changed;
    }

    /** How many keys this session WATCHes. */
    public int watchedKeys() {
        return watchedKeys;
    }

    public void watchedKeys(int count) {
        this.watchedKeys = count;
    }

    /** Runs {@code action} once the connection has closed (add it once: each added action runs). */
    public void whenClosed(Runnable action) {
        whenClosed.add(action);
    }

    /** Called once by the connection when it has closed. */
    public void closed() {
        tracking(null);
        whenClosed.forEach(Runnable::run);
    }

    /** The sessions of {@code connections} (each of the server's connections carries one). */
    public static List<ClientSession> of(List<RespConnection<?>> connections) {
        List<ClientSession> sessions = new ArrayList<>(connections.size());
        for (RespConnection<?> connection : connections) {
            if (connection.session() instanceof ClientSession session) {
                sessions.add(session);
            }
        }
        return sessions;
    }

    /** Writes staged by this connection, not yet applied (see WriteBatcher); its event loop thread only. */
    public List<KeyValueStore.Entry> stagedWrites() {
        return stagedWrites;
    }

    /** Adds the size of {@code entries} to the staged bytes and returns the total; null resets it. */
    public long addStagedBytes(List<KeyValueStore.Entry> entries) {
        if (entries == null) {
            stagedBytes = 0;
            return 0;
        }
        for (KeyValueStore.Entry entry : entries) {
            stagedBytes += entry.key().length + entry.value().length;
        }
        return stagedBytes;
    }
}
