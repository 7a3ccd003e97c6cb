package kv.server.store;

/**
 * Where {@link RocksDbStore} sends its writes in cluster mode: each write batch becomes one Raft
 * log entry, applied to every member's store in log order (see {@code kv.server.raft}).
 */
public interface ReplicatedLog {

    /**
     * Appends {@code batch} (a RocksDB {@code WriteBatch}'s bytes) as one log entry and returns
     * once it is committed and this node's store has applied it.
     *
     * @throws ReadOnlyReplicaException if this node is not the leader
     * @throws StoreException if the entry could not be committed (its fate may be unknown)
     */
    void append(byte[] batch);

    /** True while this node is the group's leader: only a leader writes. */
    boolean leads();
}
