package kv.server.command;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import kv.server.store.KeyValueStore;
import kv.server.store.KeyValueStore.Entry;
import kv.server.tcp.ClientSession;
import kv.server.tracking.InvalidationHub;
import org.springframework.stereotype.Component;

/**
 * Group commit for one client's pipeline: consecutive SET/PUT/MSET of a connection are staged
 * and applied to the store as one atomic batch, instead of one RocksDB write each.
 *
 * <p>Design note: a staged write is acknowledged only in the sense that its {@code +OK} sits in
 * the connection's output buffer; nothing leaves for the client before {@link #commit} has
 * applied the batch, through the write-ahead log (the connection runs {@code commit} just before
 * its buffer reaches the socket). The batch is also applied
 * before any other command of the same connection runs, so a client always reads its own writes,
 * and its invalidations are sent only once the new values are readable, so a cache that re-reads
 * after an invalidation cannot fetch the old value. If applying fails, the connection is closed
 * with its buffered replies unsent: the client sees no acknowledgement for writes that failed.
 */
@Component
public class WriteBatcher {

    /** Commands whose writes may be staged. */
    static final Set<String> STAGEABLE = Set.of("set", "put", "mset");

    private static final int MAX_STAGED_ENTRIES = 1024;
    private static final long MAX_STAGED_BYTES = 1024 * 1024;

    private final KeyValueStore store;
    private final InvalidationHub invalidations;

    public WriteBatcher(KeyValueStore store, InvalidationHub invalidations) {
        this.store = store;
        this.invalidations = invalidations;
    }

    /** Stages {@code entries} for {@code session}; applies the batch at once if it has grown large. */
    void stage(ClientSession session, List<Entry> entries) {
        session.stagedWrites().addAll(entries);
        long bytes = session.addStagedBytes(entries);
        if (session.stagedWrites().size() >= MAX_STAGED_ENTRIES || bytes >= MAX_STAGED_BYTES) {
            commit(session);
        }
    }

    /** Applies what {@code session} staged, if anything, and tells tracking clients. */
    public void commit(ClientSession session) {
        List<Entry> staged = session.stagedWrites();
        if (staged.isEmpty()) {
            return;
        }
        List<Entry> batch = new ArrayList<>(staged);
        staged.clear();
        session.addStagedBytes(null);
        try {
            if (batch.size() == 1) {
                store.put(batch.get(0).key(), batch.get(0).value());
            }
            else {
                store.putAll(batch);
            }
        }
        catch (RuntimeException e) {
            // The +OKs of these writes may already sit in the output buffer: they must never leave.
            session.abort();
            throw e;
        }
        List<byte[]> keys = new ArrayList<>(batch.size());
        batch.forEach(entry -> keys.add(entry.key()));
        invalidations.written(session, keys);
    }
}
