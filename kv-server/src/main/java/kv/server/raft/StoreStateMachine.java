package kv.server.raft;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import kv.server.store.RocksDbStore;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.SnapshotInfo;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.util.LifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Ratis state machine over kv's RocksDB store: each committed entry is a write batch (or a
 * member's RESP address), applied with the entry's index and term in the same RocksDB batch,
 * so that a restart knows exactly which entries the data holds and skips them.
 *
 * <p>Design note: entries carry effects, not commands (as Redis 7 replicates scripts' effects):
 * the leader computed the batch on its applied state (absolute expiry times, hash versions, the
 * result of INCR), so applying it is deterministic on every member. An entry that fails to apply
 * completes its future exceptionally instead of throwing into Ratis (which would stop the
 * server). Snapshots are RocksDB checkpoints (see {@link CheckpointStorage}); an installed one
 * replaces the store's contents.
 */
final class StoreStateMachine extends BaseStateMachine {

    private static final Logger log = LoggerFactory.getLogger(StoreStateMachine.class);

    /** The server's own key holding the last applied entry's term and index (16 bytes). */
    static final byte[] APPLIED_KEY = "\u00ffraft:applied".getBytes(StandardCharsets.ISO_8859_1);
    /** Prefix of the keys holding each member's RESP address. */
    static final byte[] MEMBER_PREFIX = "\u00ffraft:member:".getBytes(StandardCharsets.ISO_8859_1);

    /** What the node around the state machine learns from applied entries. */
    interface Listener {
        /** True if a writer of this process waits for this write (it keeps its own bookkeeping then). */
        boolean ownWrite(long origin, long sequence);

        void member(String id, String address);

        /** The store was replaced by a snapshot: reread what is kept in it. */
        void reloaded();
    }

    private final RocksDbStore store;
    private final Listener listener;
    private final CheckpointStorage storage = new CheckpointStorage();
    /** The index the store recorded when last (re)initialized: entries at or below it are in the data. */
    private volatile long restoredIndex = -1;

    StoreStateMachine(RocksDbStore store, Listener listener) {
        this.store = store;
        this.listener = listener;
    }

    @Override
    public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
        getLifeCycle().startAndTransition(() -> {
            super.initialize(server, groupId, raftStorage);
            storage.init(raftStorage);
            restore();
        });
    }

    /**
     * Before a snapshot from the leader is installed: Ratis expects the state machine PAUSED.
     * Ratis 3.2.2 calls this for every chunk of the snapshot (ServerState.installSnapshot), so
     * from the second chunk on it is already PAUSED: a second PAUSED -> PAUSING transition threw,
     * every chunk after the first failed, and the follower never caught up.
     */
    @Override
    public void pause() {
        if (getLifeCycle().compareAndTransition(LifeCycle.State.RUNNING, LifeCycle.State.PAUSING)) {
            getLifeCycle().transition(LifeCycle.State.PAUSED);
        }
    }

    /** After a snapshot from the leader was moved into place: copies it into the store. */
    @Override
    public void reinitialize() throws IOException {
        getLifeCycle().startAndTransition(() -> {
            storage.refresh();
            restore();
            listener.reloaded();
        });
    }

    /** Installs the latest snapshot if the store is behind it; takes the applied index from the store. */
    private void restore() {
        TermIndex stored = storedApplied();
        SnapshotInfo snapshot = storage.getLatestSnapshot();
        if (snapshot != null && (stored == null || snapshot.getIndex() > stored.getIndex())) {
            Path checkpoint = storage.path(snapshot.getTermIndex());
            long start = System.nanoTime();
            store.replaceWith(checkpoint);
            store.applyReplicated(new byte[0], Map.of(APPLIED_KEY, encode(snapshot.getTermIndex())), false);
            log.info("Installed snapshot {} ({} ms)", snapshot.getTermIndex(), (System.nanoTime() - start) / 1_000_000);
            stored = snapshot.getTermIndex();
        }
        if (stored != null) {
            setLastAppliedTermIndex(stored);
            restoredIndex = stored.getIndex();
            log.info("State machine at {}", stored);
        }
    }

    private TermIndex storedApplied() {
        byte[] value = store.serverValue(APPLIED_KEY);
        if (value == null) {
            return null;
        }
        ByteBuffer bytes = ByteBuffer.wrap(value);
        return TermIndex.valueOf(bytes.getLong(), bytes.getLong());
    }

    private static byte[] encode(TermIndex at) {
        return ByteBuffer.allocate(16).putLong(at.getTerm()).putLong(at.getIndex()).array();
    }

    @Override
    public StateMachineStorage getStateMachineStorage() {
        return storage;
    }

    @Override
    public SnapshotInfo getLatestSnapshot() {
        return storage.getLatestSnapshot();
    }

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext transaction) {
        LogEntryProto entry = transaction.getLogEntry();
        TermIndex at = TermIndex.valueOf(entry);
        try {
            if (at.getIndex() <= restoredIndex) {
                return CompletableFuture.completedFuture(Message.EMPTY); // already in the data (applied before a restart)
            }
            LogEntries.Entry decoded = LogEntries.Entry.decode(entry.getStateMachineLogEntry().getLogData());
            Map<byte[], byte[]> serverKeys = new LinkedHashMap<>();
            serverKeys.put(APPLIED_KEY, encode(at));
            if (decoded.type() == LogEntries.MEMBER) {
                serverKeys.put(memberKey(decoded.memberId()), decoded.address().getBytes(StandardCharsets.UTF_8));
                store.applyReplicated(new byte[0], serverKeys, false);
                listener.member(decoded.memberId(), decoded.address());
            }
            else {
                boolean own = listener.ownWrite(decoded.origin(), decoded.sequence());
                store.applyReplicated(decoded.batch(), serverKeys, !own);
            }
            updateLastAppliedTermIndex(at);
            return CompletableFuture.completedFuture(Message.EMPTY);
        }
        catch (RuntimeException | Error e) {
            log.error("Applying log entry {} failed", at, e);
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Ratis replays its log from its latest snapshot, not from the index the store records: an
     * entry (configuration, metadata) at or below what the store already holds changes nothing.
     */
    @Override
    public void notifyTermIndexUpdated(long term, long index) {
        TermIndex last = getLastAppliedTermIndex();
        if (last == null || index > last.getIndex()) {
            super.notifyTermIndexUpdated(term, index);
        }
    }

    static byte[] memberKey(String id) {
        byte[] name = id.getBytes(StandardCharsets.UTF_8);
        byte[] key = java.util.Arrays.copyOf(MEMBER_PREFIX, MEMBER_PREFIX.length + name.length);
        System.arraycopy(name, 0, key, MEMBER_PREFIX.length, name.length);
        return key;
    }

    /** The read barrier's query: answered once this node has applied up to the read index. */
    @Override
    public CompletableFuture<Message> query(Message request) {
        return CompletableFuture.completedFuture(Message.EMPTY);
    }

    /**
     * A checkpoint of the store at the last applied entry, the older snapshots deleted; Ratis
     * then purges the log up to it. Runs on the apply thread: no entry lands meanwhile.
     */
    @Override
    public long takeSnapshot() throws IOException {
        TermIndex last = getLastAppliedTermIndex();
        if (last == null || last.getIndex() <= 0) {
            return RaftLog.INVALID_LOG_INDEX;
        }
        Path target = storage.path(last);
        if (!Files.exists(target)) {
            long start = System.nanoTime();
            store.applyReplicated(new byte[0], Map.of(APPLIED_KEY, encode(last)), false);
            Path partial = target.resolveSibling(target.getFileName() + ".tmp");
            CheckpointStorage.deleteTree(partial);
            store.checkpointApplied(partial);
            Files.move(partial, target);
            storage.deleteAllBut(target);
            log.info("Snapshot {} taken ({} ms)", last, (System.nanoTime() - start) / 1_000_000);
        }
        storage.refresh();
        return last.getIndex();
    }
}
