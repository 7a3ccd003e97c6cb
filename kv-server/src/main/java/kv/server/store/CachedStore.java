package kv.server.store;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

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
 * A cached entry keeps its expiry time, and a read checks it against the clock, as the store does.
 * A hash's metadata is cached as any entry (TYPE, HLEN, EXPIRE read it); every hash write drops
 * it under the lock, and a hash's fields are never cached here.
 *
 * <p>Inside an atomic unit ({@link #atomically}) the cache is bypassed: the unit's thread reads
 * through the store (which sees the unit's own writes), and each key the unit writes is dropped
 * from the cache at once, before the unit's batch reaches the database, so that no other thread
 * can be served its old value from here after that. The unit holds the lock from start to end:
 * no reader fills the cache meanwhile, and one that fetched before the unit does not fill it after
 * ({@link #writes} has moved).
 */
public final class CachedStore extends ForwardingStore implements ReplicatedWrites {

    /** Marks a key known to be absent (compared by identity). */
    private static final Entry ABSENT = new Entry(new byte[0], new byte[0]);

    /** Bytes counted per entry beyond its key and value (map entry, key wrapper, record, array headers). */
    private static final int ENTRY_OVERHEAD = 112;

    /**
     * Longest value kept here. What the cache saves is a memtable search of about 2 µs, nothing
     * next to copying a large value; holding it would double its memory (the memtable has it
     * until flushed): 4 clients' 200 MB values took +4.2 GB of RSS against Redis's +1.0 GB
     * (issue 16). A longer value is dropped from here when written and never cached when read.
     */
    static final int MAX_CACHED_VALUE = 1024 * 1024;

    private final Cache<ByteKey, Entry> values;
    private final Clock clock;
    private final Object lock = new Object();
    /**
     * Writes so far; a reader that saw it change while fetching does not cache. Changed under
     * lock; volatile so that a reader can look at it without the lock.
     */
    private volatile long writes;
    /** The cache's bound, bytes. */
    private final long maxBytes;

    public CachedStore(KeyValueStore store, long maxBytes) {
        this(store, maxBytes, Clock.systemUTC());
    }

    public CachedStore(KeyValueStore store, long maxBytes, Clock clock) {
        super(store);
        this.clock = clock;
        this.maxBytes = maxBytes;
        this.values = Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .weigher((ByteKey key, Entry entry) -> key.bytes().length + entry.payload().length + ENTRY_OVERHEAD)
                .executor(Runnable::run) // upkeep on the calling thread: no hand-off per read
                .build();
    }

    @Override
    public <T> T atomically(Supplier<T> body) {
        synchronized (lock) {
            if (store.inAtomicUnit()) {
                return store.atomically(body); // nested: joins the unit
            }
            try {
                return store.atomically(body);
            }
            finally {
                writes++;
            }
        }
    }

    @Override
    public Entry get(byte[] key) {
        if (store.inAtomicUnit()) {
            return store.get(key);
        }
        ByteKey cacheKey = new ByteKey(key);
        Entry cached = values.getIfPresent(cacheKey);
        if (cached != null) {
            return live(cached);
        }
        long seen = writesSoFar();
        Entry entry = store.get(key);
        remember(cacheKey, entry, seen);
        return entry;
    }

    private Entry live(Entry cached) {
        return cached == ABSENT || cached.expiredAt(clock.millis()) ? null : cached;
    }

    @Override
    public List<Entry> getAll(List<byte[]> keys) {
        if (store.inAtomicUnit()) {
            return store.getAll(keys);
        }
        long seen = writes;
        List<Entry> result = new ArrayList<>(keys.size());
        List<Integer> missing = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            Entry cached = values.getIfPresent(new ByteKey(keys.get(i)));
            result.add(cached == null ? null : live(cached));
            if (cached == null) {
                missing.add(i);
            }
        }
        if (missing.isEmpty()) {
            return result;
        }
        List<byte[]> missingKeys = new ArrayList<>(missing.size());
        missing.forEach(i -> missingKeys.add(keys.get(i)));
        List<Entry> fetched = store.getAll(missingKeys);
        for (int k = 0; k < missing.size(); k++) {
            result.set(missing.get(k), fetched.get(k));
            remember(new ByteKey(missingKeys.get(k)), fetched.get(k), seen);
        }
        if (missing.size() < keys.size() && writes != seen) {
            // A write landed between the cache's answers and the store's: together they could
            // show half of an MSET or a transaction. The store's multi-get is one consistent view.
            return store.getAll(keys);
        }
        return result;
    }

    private long writesSoFar() {
        return writes;
    }

    private void remember(ByteKey key, Entry entry, long seen) {
        if (entry != null && tooLong(entry)) {
            return;
        }
        synchronized (lock) {
            if (writes == seen) {
                values.asMap().putIfAbsent(key, entry == null ? ABSENT : entry);
            }
        }
    }

    private static boolean tooLong(Entry entry) {
        return entry.payload() != null && entry.payload().length > MAX_CACHED_VALUE;
    }

    /**
     * A write whose time has passed deleted the key: cached as absent, so a cached entry is always
     * a stored one. A hash written under another key (RENAME, COPY) is stored with a new version,
     * which only the store knows: forgotten, read again when asked for. So is a value longer than
     * {@link #MAX_CACHED_VALUE}.
     */
    private void cache(Entry write) {
        if (write.isHash() || tooLong(write)) {
            values.invalidate(new ByteKey(write.key()));
            return;
        }
        values.put(new ByteKey(write.key()), write.isDeletion() || write.expiredAt(clock.millis()) ? ABSENT : write);
    }

    // Each write updates the store and then the cache under one lock: two event loops writing
    // one key must leave the cache with the value the store ended with, not the other one.

    @Override
    public void put(Entry entry) {
        putAll(List.of(entry));
    }

    /**
     * Tells the store what it holds for the keys cached here (a cached entry is stored: every
     * write and expiry updates or drops it under the lock), so that it reads only the others.
     * An entry cached as absent is not passed on: the key may be present past its expiry.
     */
    @Override
    public void putAll(List<Entry> entries) {
        synchronized (lock) {
            if (store.inAtomicUnit()) {
                store.putAll(entries);
                entries.forEach(entry -> values.invalidate(new ByteKey(entry.key())));
                return;
            }
            List<Entry> known = new ArrayList<>(entries.size());
            for (Entry entry : entries) {
                Entry cached = values.getIfPresent(new ByteKey(entry.key()));
                known.add(cached == ABSENT ? null : cached);
            }
            store.putAll(entries, known);
            writes++;
            entries.forEach(this::cache);
        }
    }

    @Override
    public List<Entry> update(List<byte[]> keys, Function<List<Entry>, List<Entry>> change) {
        synchronized (lock) {
            List<Entry> written = store.update(keys, change);
            if (store.inAtomicUnit()) {
                written.forEach(entry -> values.invalidate(new ByteKey(entry.key())));
            }
            else if (!written.isEmpty()) {
                writes++;
                written.forEach(this::cache);
            }
            return written;
        }
    }

    @Override
    public long delete(List<byte[]> keys) {
        synchronized (lock) {
            long deleted = store.delete(keys);
            writes++;
            for (byte[] key : keys) {
                if (store.inAtomicUnit()) {
                    values.invalidate(new ByteKey(key));
                }
                else {
                    values.put(new ByteKey(key), ABSENT);
                }
            }
            return deleted;
        }
    }

    /** The hash's metadata from here when cached (a RocksDB read saved per HGET), its fields from the store. */
    @Override
    public List<byte[]> hashGet(byte[] key, List<byte[]> fields) {
        Entry hash = get(key);
        if (hash == null) {
            return new ArrayList<>(java.util.Collections.nCopies(fields.size(), (byte[]) null));
        }
        return store.hashGet(hash, fields);
    }

    /** A hash write changes the metadata (its length, or the key's existence): forgotten here, read again when asked. */
    @Override
    public List<Field> hashUpdate(byte[] key, List<byte[]> fields, Function<List<byte[]>, List<Field>> change) {
        synchronized (lock) {
            List<Field> written = store.hashUpdate(key, fields, change);
            if (!written.isEmpty()) {
                writes++;
                values.invalidate(new ByteKey(key));
            }
            return written;
        }
    }

    @Override
    public List<byte[]> expireDue(long now, int limit) {
        synchronized (lock) {
            List<byte[]> expired = store.expireDue(now, limit);
            if (!expired.isEmpty()) {
                writes++;
                for (byte[] key : expired) {
                    values.invalidate(new ByteKey(key)); // not cached as absent: a million expiries would evict the live keys
                }
            }
            return expired;
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
    public void clear(byte[] prefix) {
        synchronized (lock) {
            store.clear(prefix);
            writes++;
            values.invalidateAll();
        }
    }

    @Override
    public void close() {
        values.invalidateAll();
        store.close();
    }

    /**
     * Keys a replicated entry changed behind this cache's back (cluster mode: another node
     * computed the write). Not under {@link #lock}: a writer of this node may hold it while it
     * waits for Raft to apply its own entry, which comes after this one. The count moves before
     * the keys go, so a reader that fetched an old value either sees the count moved and does not
     * cache it, or cached it before the keys go and loses it with them.
     */
    @Override
    public void written(List<byte[]> keys) {
        writes++; // only Raft's one apply thread writes without the lock: any change of the count is enough
        for (byte[] key : keys) {
            values.invalidate(new ByteKey(key));
        }
    }

    @Override
    public void flushed() {
        writes++;
        values.invalidateAll();
    }

    /** Bytes the cached entries weigh, for metrics. */
    public long cachedBytes() {
        return values.policy().eviction().map(eviction -> eviction.weightedSize().orElse(0)).orElse(0L);
    }

    /** The store's memory and this cache's: its entries' bytes of its bound. */
    @Override
    public StoreMemory memory() {
        return super.memory().withValueCache(cachedBytes(), maxBytes);
    }
}
