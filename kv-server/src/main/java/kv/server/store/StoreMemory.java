package kv.server.store;

/**
 * The memory a store holds outside the Java heap's objects, for the dashboard and the
 * {@code kv.store.*} meters: RocksDB's memtables (writes not yet flushed to SST files), its block
 * cache (SST blocks read recently, bounded by its capacity) and kv's value cache in front of
 * RocksDB ({@link CachedStore}, on the heap, bounded by {@code kv.server.cache-size}).
 */
public record StoreMemory(long memtableBytes, long blockCacheBytes, long blockCacheCapacity,
                          long valueCacheBytes, long valueCacheCapacity) {

    /** For stores that hold none of these. */
    public static final StoreMemory NONE = new StoreMemory(0, 0, 0, 0, 0);

    StoreMemory withValueCache(long bytes, long capacity) {
        return new StoreMemory(memtableBytes, blockCacheBytes, blockCacheCapacity, bytes, capacity);
    }
}
