package kv.server.store;

import java.util.List;

/**
 * Told of the keys an applied log entry changed when this node did not compute that entry itself
 * (a follower's entries, an entry a former leader wrote): what the value cache and client
 * tracking follow in cluster mode. Called on Raft's apply thread after the entry is readable;
 * must be quick and must not write to the store.
 */
public interface ReplicatedWrites {

    /** {@code keys} (the store's keys: database prefix byte, then the name) were written, deleted or expired. */
    void written(List<byte[]> keys);

    /** Whole databases were flushed, or the store was replaced by a snapshot: forget everything. */
    void flushed();
}
