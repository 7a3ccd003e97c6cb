package kv.server.store;

import java.util.List;
import java.util.function.Predicate;

/**
 * What the commands need from storage. Keys and values are bytes. Implementations are thread
 * safe; a write that returns normally is readable and durable as the configured fsync mode
 * promises (at least: it survives a crash of the process).
 */
public interface KeyValueStore extends AutoCloseable {

    /** The value, or null if the key is absent. */
    byte[] get(byte[] key);

    /** The values in the order of {@code keys}, null for each absent key. */
    List<byte[]> getAll(List<byte[]> keys);

    void put(byte[] key, byte[] value);

    /** Stores all pairs atomically: a reader sees all of them or none. */
    void putAll(List<Entry> entries);

    /**
     * Writes {@code value} if {@code condition} holds for the key's current value (null: absent),
     * atomically with respect to every other write; returns that current value. The condition
     * may be called more than once, so it must only look at the value.
     */
    byte[] putIf(byte[] key, byte[] value, Predicate<byte[]> condition);

    /** Deletes the keys; returns how many of them existed. */
    long delete(List<byte[]> keys);

    /** How many of the keys exist (a key named twice counts twice, as in Redis). */
    long countExisting(List<byte[]> keys);

    /** A consistent, read-only view for listing; close it when done. */
    Snapshot snapshot();

    /** A cheap estimate of the number of keys (for metrics); exact counts come from a snapshot. */
    long estimatedSize();

    /** Deletes every key. */
    void clear();

    /** Null if healthy, otherwise why not. */
    String problem();

    @Override
    void close();

    /** A key and its value. */
    record Entry(byte[] key, byte[] value) {
    }

    /** A point-in-time view of the store, for listing keys without blocking writers. */
    interface Snapshot extends AutoCloseable {

        /** Number of keys matching {@code pattern} (null: all). */
        long count(byte[] pattern);

        /** Pairs matching {@code pattern} (null: all) in key order; close the iterator when done. */
        CloseableIterator<Entry> entries(byte[] pattern);

        @Override
        void close();
    }

    /** An iterator over native resources. */
    interface CloseableIterator<T> extends java.util.Iterator<T>, AutoCloseable {
        @Override
        void close();
    }
}
