package kv.server.store;

import java.util.concurrent.atomic.LongAdder;

/**
 * What the store has done so far: RocksDB keys read (point reads and iterator steps), entries
 * written (puts, deletes and range deletes, as RocksDB's {@code WriteBatch} counts them), range
 * deletes among them, and bytes of write batches. Cheap enough to keep always (one striped add
 * per operation); tests assert on them instead of timing, e.g. that HSET on a hash of 100k
 * fields writes what it writes on a hash of 10, and that DEL of it is one range delete.
 */
public final class StoreCounters {

    /** For stores that count nothing. */
    static final StoreCounters NONE = new StoreCounters();

    final LongAdder keysRead = new LongAdder();
    final LongAdder entriesWritten = new LongAdder();
    final LongAdder rangeDeletes = new LongAdder();
    final LongAdder bytesWritten = new LongAdder();
    final LongAdder checkpoints = new LongAdder();

    public long keysRead() {
        return keysRead.sum();
    }

    public long entriesWritten() {
        return entriesWritten.sum();
    }

    public long rangeDeletes() {
        return rangeDeletes.sum();
    }

    public long bytesWritten() {
        return bytesWritten.sum();
    }

    /** Checkpoints (backups) taken. */
    public long checkpoints() {
        return checkpoints.sum();
    }
}
