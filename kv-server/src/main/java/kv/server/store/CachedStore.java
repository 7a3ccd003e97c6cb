package kv.server.store;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import kv.protocol.ByteKey;

/**
 * A {@link KeyValueStore} in front of another (RocksDB), keeping recently read and written
 * values in memory: a bounded Caffeine cache weighed in bytes (W-TinyLFU eviction). Absent keys
 * are remembered too. Every write goes to the store first and then replaces the cached value,
 * so the cache never holds a value older than what the store has acknowledged.
 *
 * <p>Design note: a profile of GET under redis-benchmark showed two thirds of the event loop's
 * time inside RocksDB's memtable lookup (a skip list search of about 2 µs per key, plus the JNI
 * call); a hash lookup here is a tenth of that. The one race to close is a reader that fetched
 * an old value from the store just before a write, and caches it just after the write's
 * value was evicted. So a reader caches what it fetched only if no write at all happened since
 * it started ({@link #writes}, checked and acted on under the same lock writers take to update
 * the cache); under heavy writes readers simply cache less, and written values are cached anyway.
 */
public final class CachedStore extends ForwardingStore {

    /** Marks a key known to be absent (compared by identity; no value is this array). */
    private static final byte[] ABSENT = new byte[0];

    /** Bytes counted per entry beyond its key and value (map entry, key wrapper, array headers). */
    private static final int ENTRY_OVERHEAD = 96;

    private final Cache<ByteKey, byte[]> values;
    private final Object lock = new Object();
    /** Writes so far; a reader that saw it change while fetching does not cache (guarded by lock). */
    private long writes;

    public CachedStore(KeyValueStore store, long maxBytes) {
        super(store);
        this.values = Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .weigher((ByteKey key, byte[] value) -> key.bytes().length + value.length + ENTRY_OVERHEAD)
                .executor(Runnable::run) // upkeep on the calling thread: no hand-off per read
                .build();
    }

    @Override
    public byte[] get(byte[] key) {
        ByteKey cacheKey = new ByteKey(key);
        byte[] cached = values.getIfPresent(cacheKey);
        if (cached != null) {
            return cached == ABSENT ? null : cached;
        }
        long seen = writesSoFar();
        byte[] value = store.get(key);
        remember(cacheKey, value, seen);
        return value;
    }

    @Override
    public List<byte[]> getAll(List<byte[]> keys) {
        List<byte[]> result = new ArrayList<>(keys.size());
        List<Integer> missing = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            byte[] cached = values.getIfPresent(new ByteKey(keys.get(i)));
            result.add(cached == ABSENT ? null : cached);
            if (cached == null) {
                missing.add(i);
            }
        }
        if (missing.isEmpty()) {
            return result;
        }
        long seen = writesSoFar();
        List<byte[]> missingKeys = new ArrayList<>(missing.size());
        missing.forEach(i -> missingKeys.add(keys.get(i)));
        List<byte[]> fetched = store.getAll(missingKeys);
        for (int k = 0; k < missing.size(); k++) {
            result.set(missing.get(k), fetched.get(k));
            remember(new ByteKey(missingKeys.get(k)), fetched.get(k), seen);
        }
        return result;
    }

    private long writesSoFar() {
        synchronized (lock) {
            return writes;
        }
    }

    private void remember(ByteKey key, byte[] value, long seen) {
        synchronized (lock) {
            if (writes == seen) {
                values.asMap().putIfAbsent(key, value == null ? ABSENT : value);
            }
        }
    }

    // Each write updates the store and then the cache under one lock: two event loops writing
    // one key must leave the cache with the value the store ended with, not the other one.

    @Override
    public void put(byte[] key, byte[] value) {
        synchronized (lock) {
            store.put(key, value);
            writes++;
            values.put(new ByteKey(key), value);
        }
    }

    @Override
    public void putAll(List<Entry> entries) {
        synchronized (lock) {
            store.putAll(entries);
            writes++;
            for (Entry entry : entries) {
                values.put(new ByteKey(entry.key()), entry.value());
            }
        }
    }

    @Override
    public byte[] putIf(byte[] key, byte[] value, Predicate<byte[]> condition) {
        synchronized (lock) {
            byte[] current = store.putIf(key, value, condition);
            if (condition.test(current)) {
                writes++;
                values.put(new ByteKey(key), value);
            }
            return current;
        }
    }

    @Override
    public long delete(List<byte[]> keys) {
        synchronized (lock) {
            long deleted = store.delete(keys);
            writes++;
            for (byte[] key : keys) {
                values.put(new ByteKey(key), ABSENT);
            }
            return deleted;
        }
    }

    @Override
    public void clear() {
        synchronized (lock) {
            store.clear();
            writes++;
            values.invalidateAll();
        }
    }

    @Override
    public void close() {
        values.invalidateAll();
        store.close();
    }

    /** Bytes the cached entries weigh, for metrics. */
    public long cachedBytes() {
        return values.policy().eviction().map(eviction -> eviction.weightedSize().orElse(0)).orElse(0L);
    }
}
