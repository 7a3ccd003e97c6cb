package kv.server.command;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import kv.server.store.KeyValueStore;
import kv.server.store.KeyValueStore.Entry;
import kv.server.pubsub.KeyspaceEvents;
import kv.server.session.ClientSession;
import kv.server.tracking.InvalidationHub;
import org.springframework.stereotype.Component;

/**
 * Group commit: consecutive writes of a connection whose specs allow it ({@code "group_commit": true}:
 * SET, PUT, MSET) are staged, and at the end of each
 * event loop round the writes staged by every client of the round are applied to the store as
 * one atomic batch, instead of one RocksDB write (and, with {@code fsync always}, one fsync) each.
 *
 * <p>Design note: a staged write is acknowledged only in the sense that its {@code +OK} sits in
 * the connection's output buffer; nothing leaves for the client before {@link #commitAll} has
 * applied the batch through the write-ahead log (the event loop runs it just before the round's
 * replies are sent). A connection's batch is also applied before any other command of the same
 * connection runs, so a client always reads its own writes, and invalidations are sent only once
 * the new values are readable, so a cache that re-reads after an invalidation cannot fetch the
 * old value. Other clients may read the old value until then: the write is not acknowledged
 * yet, so either answer is one a serial order allows. If applying fails, every connection with
 * writes in the batch is closed with its buffered replies unsent: no client sees an
 * acknowledgement for a write that failed. Inside an atomic unit (EXEC, a script) nothing is
 * staged: the write joins the unit's batch at once.
 */
@Component
public class WriteBatcher {

    private static final int MAX_STAGED_ENTRIES = 1024;
    private static final long MAX_STAGED_BYTES = 1024 * 1024;

    private final KeyValueStore store;
    private final InvalidationHub invalidations;
    /** Connections holding staged writes: a script begins only once there are none (see ScriptGate). */
    private final AtomicInteger stagedConnections = new AtomicInteger();
    /** Set on a thread whose writes are never staged (the script thread: see ScriptGate). */
    private static final ThreadLocal<Boolean> UNSTAGED = ThreadLocal.withInitial(() -> false);
    private final KeyspaceEvents events;
    private final Databases databases;
    private final java.time.Clock clock;

    public WriteBatcher(KeyValueStore store, InvalidationHub invalidations, KeyspaceEvents events, Databases databases,
                        java.time.Clock clock) {
        this.store = store;
        this.invalidations = invalidations;
        this.events = events;
        this.databases = databases;
        this.clock = clock;
    }

    /** Stages {@code entries} for {@code session}; applies the batch at once if it has grown large. */
    void stage(ClientSession session, List<Entry> entries) {
        if (store.inAtomicUnit() || UNSTAGED.get()) {
            // Inside EXEC or a script: part of the unit's own batch, now, so later commands see
            // it. On the script thread outside a unit (a command deferred behind a script): no
            // event loop round to wait for.
            apply(session, entries);
            return;
        }
        if (session.stagedWrites().isEmpty()) {
            stagedConnections.incrementAndGet();
        }
        session.stagedWrites().addAll(entries);
        long bytes = session.addStagedBytes(entries);
        if (session.stagedWrites().size() >= MAX_STAGED_ENTRIES || bytes >= MAX_STAGED_BYTES) {
            commit(session);
        }
    }

    /** Marks the calling thread as one whose writes are applied at once, never staged. */
    public static void neverStageOnThisThread() {
        UNSTAGED.set(true);
    }

    /** How many connections hold staged writes not yet applied. */
    public int stagedConnections() {
        return stagedConnections.get();
    }

    private void apply(ClientSession session, List<Entry> entries) {
        if (entries.size() == 1) {
            store.put(entries.get(0));
        }
        else {
            store.putAll(entries);
        }
        List<byte[]> keys = new ArrayList<>(entries.size());
        entries.forEach(entry -> keys.add(Keys.name(entry.key())));
        invalidations.written(session, keys);
        if (events.enabled(KeyspaceEvents.STRING | KeyspaceEvents.GENERIC | KeyspaceEvents.EXPIRED)) {
            notifySet(entries);
        }
    }

    /** Applies what {@code session} staged, if anything, and tells tracking clients. */
    public void commit(ClientSession session) {
        commitAll(List.of(session));
    }

    /** Applies what {@code sessions} staged as one batch, and tells tracking clients. */
    public void commitAll(List<ClientSession> sessions) {
        List<ClientSession> writers = new ArrayList<>();
        List<List<Entry>> written = new ArrayList<>();
        List<Entry> batch = new ArrayList<>();
        for (ClientSession session : sessions) {
            List<Entry> staged = session.stagedWrites();
            if (!staged.isEmpty()) {
                writers.add(session);
                written.add(List.copyOf(staged));
                batch.addAll(staged);
                staged.clear();
                session.addStagedBytes(null);
            }
        }
        if (batch.isEmpty()) {
            return;
        }
        try {
            if (batch.size() == 1) {
                store.put(batch.get(0));
            }
            else {
                store.putAll(batch);
            }
        }
        catch (RuntimeException | Error e) {
            // The +OKs of these writes sit in output buffers: they must never leave, whatever
            // failed (an Error too: the loop carries on after one, and would send them).
            writers.forEach(ClientSession::abort);
            throw e;
        }
        finally {
            // Only once they are applied (or failed): a script waits for this count to be 0 (see
            // ScriptGate#begin), and one that began while the batch was still on its way to the
            // store would hold the store's lock and make this event loop wait the script out.
            stagedConnections.addAndGet(-writers.size());
        }
        for (int i = 0; i < writers.size(); i++) {
            List<byte[]> keys = new ArrayList<>(written.get(i).size());
            written.get(i).forEach(entry -> keys.add(Keys.name(entry.key())));
            invalidations.written(writers.get(i), keys);
        }
        if (events.enabled(KeyspaceEvents.STRING | KeyspaceEvents.GENERIC | KeyspaceEvents.EXPIRED)) {
            written.forEach(this::notifySet);
        }
    }

    /**
     * The keyspace events of staged writes, once they are readable: each is a SET, PUT, MSET or
     * SETEX, so {@code set}, and {@code expire} if it has an expiry (and {@code expired} if that
     * has already passed, as Redis sends for a SET with a past PXAT).
     */
    private void notifySet(List<Entry> entries) {
        long now = clock.millis();
        for (Entry entry : entries) {
            int db = databases.index(entry.key()[0]);
            byte[] name = Keys.name(entry.key());
            events.notify(KeyspaceEvents.STRING, "set", db, name);
            if (entry.expires()) {
                events.notify(KeyspaceEvents.GENERIC, "expire", db, name);
                if (entry.expiredAt(now)) {
                    events.notify(KeyspaceEvents.EXPIRED, "expired", db, name);
                }
            }
        }
    }
}
