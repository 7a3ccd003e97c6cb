package kv.proxy.cache;

import java.util.concurrent.atomic.LongAdder;

/** Counters of what the read cache did, for metrics and INFO. */
public final class CacheStats {

    final LongAdder hits = new LongAdder();
    final LongAdder misses = new LongAdder();
    final LongAdder stored = new LongAdder();
    final LongAdder bypasses = new LongAdder();
    final LongAdder staleRejected = new LongAdder();
    final LongAdder expired = new LongAdder();
    final LongAdder pushInvalidations = new LongAdder();
    final LongAdder writeInvalidations = new LongAdder();
    final LongAdder flushes = new LongAdder();
    final LongAdder evictions = new LongAdder();

    /** GETs answered from the cache (including those that waited on another client's fetch). */
    public long hits() {
        return hits.sum();
    }

    /** GETs that fetched from a backend and may have cached the answer. */
    public long misses() {
        return misses.sum();
    }

    /** Values fetched by misses and put in the cache (an absent key or an error is not). */
    public long stored() {
        return stored.sum();
    }

    /** GETs sent to a backend without caching, because its invalidation stream was not subscribed. */
    public long bypasses() {
        return bypasses.sum();
    }

    /** Entries found but refused because the owner's invalidation stream had been lost since. */
    public long staleRejected() {
        return staleRejected.sum();
    }

    /** Entries found after their key's expiry on the backend (PTTL) and read again instead. */
    public long expired() {
        return expired.sum();
    }

    /** Keys withdrawn by invalidation messages from backends. */
    public long pushInvalidations() {
        return pushInvalidations.sum();
    }

    /** Keys withdrawn because a write went through the proxy. */
    public long writeInvalidations() {
        return writeInvalidations.sum();
    }

    /** Times a backend's entries were all dropped (stream lost, FLUSHDB). */
    public long flushes() {
        return flushes.sum();
    }

    /** Entries dropped by the byte bound or the TTL. */
    public long evictions() {
        return evictions.sum();
    }

    /** Hits over hits plus misses and bypasses; 0 before any GET. */
    public double hitRatio() {
        long hit = hits();
        long total = hit + misses() + bypasses();
        return total == 0 ? 0 : (double) hit / total;
    }
}
