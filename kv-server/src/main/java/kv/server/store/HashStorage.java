package kv.server.store;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import kv.server.store.KeyValueStore.Entry;
import kv.server.store.KeyValueStore.Field;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.AbstractWriteBatch;

/**
 * Where a hash's fields live: one RocksDB key per field in the {@code hash_fields} column family,
 * Kvrocks's layout. A field's key is
 * {@code db prefix (1 byte) | name length (4 bytes) | name | version (8 bytes) | field}, its
 * value the field's value; the hash's metadata ({@link HashMeta}, under the key itself in the
 * values family) says which version is live and how many fields it has.
 *
 * <p>Design note: HGET and HSET of one field read or write that field's key and the metadata,
 * never the whole hash. Dropping a hash (DEL, expiry, SET over it) deletes its metadata and all
 * its fields with one range deletion over {@code db prefix | length | name}, whatever the
 * hash's size: O(1) in the write path, the space coming back at compaction. A hash created
 * again under the same name gets a new version, so fields of an old one are invisible even
 * where a range deletion cannot be used (a batch that must be read back before it is written,
 * as in a transaction): correctness rests on the version, the range deletion is for space. The
 * length in the key keeps one name's fields apart from a longer name's that starts the same,
 * and the database prefix first keeps FLUSHDB one range and SWAPDB a table swap.
 */
final class HashStorage {

    static final byte[] FAMILY = "hash_fields".getBytes(StandardCharsets.US_ASCII);

    /** Reads go through the store: inside an atomic unit they see the unit's own writes. */
    private final RocksDbStore store;
    private final ColumnFamilyHandle fields;
    private final StoreCounters counters;

    HashStorage(RocksDbStore store, ColumnFamilyHandle fields, StoreCounters counters) {
        this.store = store;
        this.fields = fields;
        this.counters = counters;
    }

    ColumnFamilyHandle family() {
        return fields;
    }

    /** Every version's fields of {@code key} start with this. */
    static byte[] keyPrefix(byte[] key) {
        int nameLength = key.length - 1;
        byte[] prefix = new byte[1 + 4 + nameLength];
        prefix[0] = key[0];
        prefix[1] = (byte) (nameLength >>> 24);
        prefix[2] = (byte) (nameLength >>> 16);
        prefix[3] = (byte) (nameLength >>> 8);
        prefix[4] = (byte) nameLength;
        System.arraycopy(key, 1, prefix, 5, nameLength);
        return prefix;
    }

    static byte[] versionPrefix(byte[] key, long version) {
        byte[] prefix = keyPrefix(key);
        byte[] withVersion = Arrays.copyOf(prefix, prefix.length + 8);
        HashMeta.putLong(withVersion, prefix.length, version);
        return withVersion;
    }

    static byte[] fieldKey(byte[] versionPrefix, byte[] field) {
        byte[] fieldKey = Arrays.copyOf(versionPrefix, versionPrefix.length + field.length);
        System.arraycopy(field, 0, fieldKey, versionPrefix.length, field.length);
        return fieldKey;
    }

    /**
     * Whether {@code write}, a hash entry, is the hash {@code current} already holds at its key
     * (same version, fields under that key): an expiry change or a new length, not a copy.
     */
    static boolean inPlace(Entry write, Entry current) {
        HashMeta meta = HashMeta.of(write);
        if (!Arrays.equals(meta.origin(), write.key())) {
            return false;
        }
        return current == null || current.isHash() && HashMeta.of(current).version() == meta.version();
    }

    /** The values of {@code names} in the hash version at {@code key} (null: no such field). */
    List<byte[]> get(ReadOptions options, byte[] key, long version, List<byte[]> names) {
        byte[] prefix = versionPrefix(key, version);
        if (names.size() == 1) {
            List<byte[]> one = new ArrayList<>(1);
            one.add(store.fetch(fields, fieldKey(prefix, names.get(0))));
            return one;
        }
        List<byte[]> keys = new ArrayList<>(names.size());
        names.forEach(name -> keys.add(fieldKey(prefix, name)));
        return store.fetchAll(fields, keys);
    }

    /** Up to {@code limit} fields of the hash version at {@code key}, in field order, from the first at or after {@code from}. */
    List<Field> scan(ReadOptions options, byte[] key, long version, byte[] from, int limit) {
        byte[] prefix = versionPrefix(key, version);
        List<Field> found = new ArrayList<>();
        try (Slice upper = new Slice(RocksDbStore.successor(prefix));
             ReadOptions bounded = new ReadOptions(options).setIterateUpperBound(upper);
             RocksIterator iterator = store.iterator(fields, bounded)) {
            iterator.seek(fieldKey(prefix, from));
            for (; iterator.isValid() && found.size() < limit; iterator.next()) {
                byte[] fieldKey = iterator.key();
                found.add(new Field(Arrays.copyOfRange(fieldKey, prefix.length, fieldKey.length), iterator.value()));
            }
            iterator.status();
        }
        catch (RocksDBException e) {
            throw new StoreException("read failed: " + e.getMessage(), e);
        }
        counters.keysRead.add(found.size());
        return found;
    }

    /** The last field of the hash version at {@code key}, or null if it has none. */
    Field last(ReadOptions options, byte[] key, long version) {
        byte[] prefix = versionPrefix(key, version);
        try (Slice lower = new Slice(prefix);
             Slice upper = new Slice(RocksDbStore.successor(prefix));
             ReadOptions bounded = new ReadOptions(options).setIterateLowerBound(lower).setIterateUpperBound(upper);
             RocksIterator iterator = store.iterator(fields, bounded)) {
            iterator.seekToLast();
            counters.keysRead.increment();
            if (!iterator.isValid()) {
                iterator.status();
                return null;
            }
            byte[] fieldKey = iterator.key();
            return new Field(Arrays.copyOfRange(fieldKey, prefix.length, fieldKey.length), iterator.value());
        }
        catch (RocksDBException e) {
            throw new StoreException("read failed: " + e.getMessage(), e);
        }
    }

    void put(AbstractWriteBatch batch, byte[] versionPrefix, byte[] field, byte[] value) throws RocksDBException {
        batch.put(fields, fieldKey(versionPrefix, field), value);
    }

    void delete(AbstractWriteBatch batch, byte[] versionPrefix, byte[] field) throws RocksDBException {
        batch.delete(fields, fieldKey(versionPrefix, field));
    }

    /** Deletes every field of every version of {@code key}: one range deletion. */
    void drop(AbstractWriteBatch batch, byte[] key) throws RocksDBException {
        byte[] prefix = keyPrefix(key);
        batch.deleteRange(fields, prefix, RocksDbStore.successor(prefix));
        counters.rangeDeletes.increment();
    }

    /** Deletes the fields of one version ({@link #versionPrefix}) of a hash: one range deletion. */
    void dropVersion(AbstractWriteBatch batch, byte[] versionPrefix) throws RocksDBException {
        batch.deleteRange(fields, versionPrefix, RocksDbStore.successor(versionPrefix));
        counters.rangeDeletes.increment();
    }

    /**
     * Copies the fields of {@code write} (a hash entry read under another key, or another
     * version) to its key under {@code version}; returns the entry to store for it. O(fields),
     * as RENAME and COPY of a hash are in Redis too (a key's fields live under its name).
     */
    Entry copy(ReadOptions options, AbstractWriteBatch batch, Entry write, long version) throws RocksDBException {
        HashMeta meta = HashMeta.of(write);
        byte[] source = versionPrefix(meta.origin(), meta.version());
        byte[] target = versionPrefix(write.key(), version);
        try (Slice upper = new Slice(RocksDbStore.successor(source));
             ReadOptions bounded = new ReadOptions(options).setIterateUpperBound(upper);
             RocksIterator iterator = store.iterator(fields, bounded)) {
            long copied = 0;
            for (iterator.seek(source); iterator.isValid(); iterator.next()) {
                byte[] fieldKey = iterator.key();
                put(batch, target, Arrays.copyOfRange(fieldKey, source.length, fieldKey.length), iterator.value());
                copied++;
            }
            iterator.status();
            counters.keysRead.add(copied);
        }
        HashMeta copy = meta.with(version, meta.length(), meta.listpack());
        return new Entry(write.key(), copy.payload(write.key()), write.expireAt(), KeyValueStore.ValueType.HASH);
    }
}
