package kv.server.store;

import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What the commands need from storage. Keys and values are bytes; a value may carry an absolute
 * expiry time (ms since the epoch). Implementations are thread safe; a write that returns
 * normally is readable and durable as the configured fsync mode promises (at least: it survives
 * a crash of the process).
 *
 * <p>Expiry is passive at every read: no method returns, counts or lists an entry whose expiry
 * time has passed by the store's clock, whether or not the active cycle ({@link #expireDue})
 * has deleted it yet. A write whose expiry time has already passed deletes the key.
 */
public interface KeyValueStore extends AutoCloseable {

    /** The entry, or null if the key is absent (or expired). */
    Entry get(byte[] key);

    /** The entries in the order of {@code keys}, null for each absent key. */
    List<Entry> getAll(List<byte[]> keys);

    void put(Entry entry);

    /** Stores all pairs atomically: a reader sees all of them or none. */
    void putAll(List<Entry> entries);

    /**
     * As {@link #putAll(List)}, given what the caller knows each key holds now ({@code known},
     * parallel to {@code entries}: the stored entry, or null if not known), which the store
     * need not read again. The value cache knows it for the keys it holds.
     */
    default void putAll(List<Entry> entries, List<Entry> known) {
        putAll(entries);
    }

    /**
     * Reads {@code keys} and applies the writes {@code change} returns for them (an entry with a
     * null value deletes its key) in one step, atomically with respect to every other write: no
     * other write lands between the read and the writes. {@code change} is called exactly once,
     * with the current entries in the order of {@code keys} (null: absent). Returns the writes
     * applied.
     */
    List<Entry> update(List<byte[]> keys, Function<List<Entry>, List<Entry>> change);

    /** Deletes the keys; returns how many of them existed (a key named twice counts once). */
    long delete(List<byte[]> keys);

    /** How many of the keys exist (a key named twice counts twice, as in Redis). */
    long countExisting(List<byte[]> keys);

    /**
     * Deletes up to {@code limit} keys whose expiry time is at or before {@code now}, oldest
     * first, and returns them (empty: none are due). A key written again since its expiry was
     * set is left alone. One call is one short step (one RocksDB batch), for a cycle that runs
     * as many as its time allows.
     */
    List<byte[]> expireDue(long now, int limit);

    /** A consistent, read-only view for listing; close it when done. */
    Snapshot snapshot();

    /** A cheap estimate of the number of keys (for metrics); exact counts come from a snapshot. */
    long estimatedSize();

    /**
     * How many keys start with the one-byte {@code prefix} (a database), in O(1); a key past
     * its expiry counts until the active cycle has deleted it, as in Redis's DBSIZE.
     */
    long size(byte[] prefix);

    /** How many of those keys have an expiry time, in O(1). */
    long expiring(byte[] prefix);

    /** Bytes the values take in table files and memtables (for INFO and tests: is space reclaimed?). */
    long storedBytes();

    /** Deletes every key of every database (keys starting with the byte 0xFF are not a database's, and stay). */
    void clear();

    /** Deletes every key that starts with {@code prefix} (a database). */
    void clear(byte[] prefix);

    /**
     * Runs {@code body} as one atomic unit, the primitive under MULTI/EXEC and scripts: while it
     * runs no other write lands (other writers wait), the calling thread's reads see the unit's
     * own writes, and when it returns all its writes are applied at once, as one RocksDB batch
     * (one write-ahead log record and, with {@code fsync always}, one fsync): readers on other
     * threads see the state before the unit or after it, never a part, and a crash keeps all or
     * none. If {@code body} throws, nothing it wrote is applied and the exception propagates.
     * A nested call (from inside {@code body}, on the same thread) joins the open unit; if the
     * nested body throws, only its own writes are undone.
     *
     * <p>Every other method of the store may be called inside {@code body}, on its thread.
     * Keep the unit short: other clients' writes wait for it.
     */
    default <T> T atomically(Supplier<T> body) {
        throw new UnsupportedOperationException("atomic units are not supported by " + getClass().getSimpleName());
    }

    /** Whether the calling thread is inside {@link #atomically}. */
    default boolean inAtomicUnit() {
        return false;
    }

    /** Tells {@code observer} of every key that changes from now on (one observer: WATCH's registry). */
    default void observe(WriteObserver observer) {
        throw new UnsupportedOperationException("observing writes is not supported by " + getClass().getSimpleName());
    }

    /** Null if healthy, otherwise why not. */
    String problem();

    @Override
    void close();

    /**
     * A key, its value, and the absolute time in ms at which it expires ({@link #NO_EXPIRY}:
     * never). As a write, a null value deletes the key.
     */
    record Entry(byte[] key, byte[] value, long expireAt) {

        public static final long NO_EXPIRY = 0;

        public Entry(byte[] key, byte[] value) {
            this(key, value, NO_EXPIRY);
        }

        /** A write that deletes {@code key}. */
        public static Entry deletion(byte[] key) {
            return new Entry(key, null, NO_EXPIRY);
        }

        public boolean expires() {
            return expireAt != NO_EXPIRY;
        }

        public boolean expiredAt(long now) {
            return expireAt != NO_EXPIRY && expireAt <= now;
        }

        public boolean isDeletion() {
            return value == null;
        }

        public Entry withValue(byte[] newValue) {
            return new Entry(key, newValue, expireAt);
        }

        public Entry withExpiry(long newExpireAt) {
            return new Entry(key, value, newExpireAt);
        }

        public Entry withKey(byte[] newKey) {
            return new Entry(newKey, value, expireAt);
        }
    }

    /** A point-in-time view of the store, for listing keys without blocking writers. */
    interface Snapshot extends AutoCloseable {

        /** Number of keys that start with {@code prefix} whose rest matches {@code pattern} (null: all). */
        long count(byte[] prefix, byte[] pattern);

        /**
         * Entries whose keys start with {@code prefix} and whose rest matches {@code pattern}
         * (null: all), in key order from the first key at or after {@code prefix + from}, their
         * keys without the prefix; close the iterator when done.
         */
        CloseableIterator<Entry> entries(byte[] prefix, byte[] pattern, byte[] from);

        default CloseableIterator<Entry> entries(byte[] prefix, byte[] pattern) {
            return entries(prefix, pattern, new byte[0]);
        }

        @Override
        void close();
    }

    /** An iterator over native resources. */
    interface CloseableIterator<T> extends java.util.Iterator<T>, AutoCloseable {
        @Override
        void close();
    }
}
