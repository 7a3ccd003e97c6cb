package kv.server.store;

import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksIterator;

/**
 * How many keys, and how many with an expiry, each database (a key's first byte) holds: DBSIZE
 * and INFO's keyspace section in O(1). Counted once when the store opens, then kept by every
 * write, which knows what each key held before it (RocksDbStore reads that in the same step).
 * A key past its expiry counts until the active cycle deletes it, as in Redis.
 */
final class KeyCounts {

    private final long[] keys = new long[256];
    private final long[] expiring = new long[256];

    synchronized long keys(int db) {
        return keys[db];
    }

    synchronized long expiring(int db) {
        return expiring[db];
    }

    /** Totals: offset 0 for keys, 256 for expiring keys (for the log line at start-up). */
    synchronized long total(int offset) {
        long total = 0;
        for (int db = 0; db < 256; db++) {
            total += offset == 0 ? keys[db] : expiring[db];
        }
        return total;
    }

    /** Adds {@code delta}: 256 key deltas, then 256 expiring-key deltas, by database. */
    synchronized void add(long[] delta) {
        for (int db = 0; db < 256; db++) {
            keys[db] += delta[db];
            expiring[db] += delta[256 + db];
        }
    }

    synchronized void clear() {
        java.util.Arrays.fill(keys, 0);
        java.util.Arrays.fill(expiring, 0);
    }

    synchronized void clear(int db) {
        keys[db] = 0;
        expiring[db] = 0;
    }

    /** Counts every key of {@code family} again. */
    synchronized void recount(RocksDB db, ColumnFamilyHandle family) {
        clear();
        try (RocksIterator iterator = db.newIterator(family)) {
            for (iterator.seekToFirst(); iterator.isValid(); iterator.next()) {
                byte[] key = iterator.key();
                int database = key.length == 0 ? 0 : key[0] & 0xFF;
                keys[database]++;
                if (StoredValue.expireAt(iterator.value()) != KeyValueStore.Entry.NO_EXPIRY) {
                    expiring[database]++;
                }
            }
        }
    }
}
