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

    /**
     * Tells {@code listener} of every key a write creates from now on (absent or expired before,
     * holding a value after: Redis's {@code dbAdd}, the keyspace event {@code new}), with the
     * store's key, once the write is applied (inside an atomic unit: once it is in the unit's
     * batch). One listener; called under the store's write order, so it must be quick. A store
     * that cannot tell announces nothing.
     */
    default void announceNewKeys(java.util.function.Consumer<byte[]> listener) {
    }

    /**
     * False on a node of a replicated group that is not its leader (cluster mode): writes there
     * are refused with Redis's {@code READONLY} error. True on a single server.
     */
    default boolean acceptsWrites() {
        return true;
    }

    /** Tells {@code observer} of every key that changes from now on (one observer: WATCH's registry). */
    default void observe(WriteObserver observer) {
        throw new UnsupportedOperationException("observing writes is not supported by " + getClass().getSimpleName());
    }

    // Hashes: one metadata entry under the key (type hash) and one RocksDB key per field (see
    // HashStorage). Each of these throws WrongTypeException if the key holds a string.

    /**
     * The values of {@code fields} of the hash at {@code key}, in order; null for a field it does
     * not have (every one, if the key is absent). Reads the metadata and those fields only.
     */
    List<byte[]> hashGet(byte[] key, List<byte[]> fields);

    /**
     * As {@link #hashGet(byte[], List)}, given the hash's live metadata entry (as {@link #get}
     * returned it, the value cache's included): reads the fields only.
     */
    List<byte[]> hashGet(Entry hash, List<byte[]> fields);

    /**
     * The fields of the hash at {@code key} in field (byte) order, from the first at or after
     * {@code from}, at most {@code limit} of them; empty if the key is absent. One consistent view.
     */
    List<Field> hashFields(byte[] key, byte[] from, int limit);

    /** The hash's last field in field order, null if the key is absent. */
    Field hashLastField(byte[] key);

    /**
     * Reads {@code fields} of the hash at {@code key} and applies the field writes {@code change}
     * returns for them (a null value deletes the field; only fields it was given) in one step,
     * atomically with respect to every other write, as {@link #update}. The first field written
     * creates the hash (without expiry), deleting its last field deletes it. Returns the writes
     * applied.
     */
    List<Field> hashUpdate(byte[] key, List<byte[]> fields, Function<List<byte[]>, List<Field>> change);

    /** The memory it holds in memtables and caches, for the dashboard and meters. */
    default StoreMemory memory() {
        return StoreMemory.NONE;
    }

    /** Counters of the store's work (for tests and INFO: what a command read and wrote). */
    default StoreCounters counters() {
        return StoreCounters.NONE;
    }

    /**
     * Writes a consistent copy of every database, as of one moment, to {@code target} (which
     * must not exist yet): an online backup, taken while clients go on reading and writing.
     * Every write applied before the call is in the copy; an atomic unit is in it entirely or
     * not at all (one open when the call starts is waited for, so it is in). The copy is a data
     * directory a server can be started on.
     *
     * @throws StoreException if the copy cannot be written
     */
    default void checkpoint(java.nio.file.Path target) {
        throw new UnsupportedOperationException("backups are not supported by " + getClass().getSimpleName());
    }

    /** Null if healthy, otherwise why not. */
    String problem();

    @Override
    void close();

    /**
     * A key, its value, and the absolute time in ms at which it expires ({@link #NO_EXPIRY}:
     * never). As a write, a null value deletes the key.
     *
     * <p>A key holds a string or a hash ({@link #type}). A hash's entry is its metadata (see
     * {@link HashMeta}: the version its fields are stored under, their count), and asking it for
     * a string {@link #value()} throws {@link WrongTypeException}, which the dispatcher answers
     * with Redis's {@code -WRONGTYPE}: a string command that reads a hash's value fails the way
     * Redis fails, whichever command it is. Code that handles both types reads {@link #payload()}.
     * A hash's entry can be written back with another expiry ({@link #withExpiry}) or under
     * another key ({@link #withKey}: the store then copies its fields, as RENAME and COPY need).
     */
    record Entry(byte[] key, byte[] payload, long expireAt, ValueType type) {

        public static final long NO_EXPIRY = 0;

        public Entry(byte[] key, byte[] value, long expireAt) {
            this(key, value, expireAt, ValueType.STRING);
        }

        public Entry(byte[] key, byte[] value) {
            this(key, value, NO_EXPIRY, ValueType.STRING);
        }

        /** A write that deletes {@code key}. */
        public static Entry deletion(byte[] key) {
            return new Entry(key, null, NO_EXPIRY);
        }

        /** The string's bytes; {@link WrongTypeException} if the key holds a hash. */
        public byte[] value() {
            if (type != ValueType.STRING) {
                throw WrongTypeException.INSTANCE;
            }
            return payload;
        }

        public boolean isString() {
            return type == ValueType.STRING;
        }

        public boolean isHash() {
            return type == ValueType.HASH;
        }

        public boolean expires() {
            return expireAt != NO_EXPIRY;
        }

        public boolean expiredAt(long now) {
            return expireAt != NO_EXPIRY && expireAt <= now;
        }

        public boolean isDeletion() {
            return payload == null;
        }

        /** A string with {@code newValue}, keeping the expiry. */
        public Entry withValue(byte[] newValue) {
            return new Entry(key, newValue, expireAt);
        }

        public Entry withExpiry(long newExpireAt) {
            return new Entry(key, payload, newExpireAt, type);
        }

        public Entry withKey(byte[] newKey) {
            return new Entry(newKey, payload, expireAt, type);
        }
    }

    /** What a key holds, by the name TYPE answers. */
    enum ValueType {
        STRING("string"), HASH("hash");

        private final String redisName;

        ValueType(String redisName) {
            this.redisName = redisName;
        }

        public String redisName() {
            return redisName;
        }
    }

    /** A hash's field and its value (as a write, a null value deletes the field). */
    record Field(byte[] name, byte[] value) {
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

        /** Every field of {@code hash}, an entry {@link #entries} returned, in field order, from this view. */
        List<Field> hashFields(Entry hash);

        @Override
        void close();
    }

    /** An iterator over native resources. */
    interface CloseableIterator<T> extends java.util.Iterator<T>, AutoCloseable {
        @Override
        void close();
    }
}
