package kv.server.store;

import java.util.Arrays;

import kv.server.store.KeyValueStore.Entry;

/**
 * How a value is laid out in RocksDB: a small header, then the value's bytes. The header's first
 * byte holds the type (high nibble; 0 is a string, 1 a hash, whose bytes are its
 * {@link HashMeta}) and flags (low nibble); with
 * {@link #EXPIRES} set, the absolute expiry time in ms (8 bytes, big-endian) follows. A value
 * that does not expire costs one byte more than its bytes, and its expiry is written in the
 * same RocksDB write as the value, so both survive a crash together.
 *
 * <p>The expiry index (its own column family) holds one empty value per expiring key under
 * {@code expireAt (8 bytes, big-endian) + key}, so it iterates in time order; an index entry is
 * only a hint, checked against the value's header before a key is deleted (see
 * {@code RocksDbStore#expireDue}).
 */
final class StoredValue {

    static final int STRING = 0;
    private static final int EXPIRES = 0x01;
    private static final int EXPIRY_BYTES = 8;

    private StoredValue() {
    }

    static final int HASH = 1;

    static byte[] encode(Entry entry) {
        int type = entry.isHash() ? HASH : STRING;
        byte[] payload = entry.payload();
        // A hash's in-memory payload ends with the key its fields are under: not stored (see HashMeta).
        int length = type == HASH ? HashMeta.BYTES : payload.length;
        if (!entry.expires()) {
            byte[] stored = new byte[length + 1];
            stored[0] = (byte) (type << 4);
            System.arraycopy(payload, 0, stored, 1, length);
            return stored;
        }
        byte[] stored = new byte[length + 1 + EXPIRY_BYTES];
        stored[0] = (byte) (type << 4 | EXPIRES);
        putLong(stored, 1, entry.expireAt());
        System.arraycopy(payload, 0, stored, 1 + EXPIRY_BYTES, length);
        return stored;
    }

    /** The entry {@code stored} holds for {@code key}; null for null. */
    static Entry decode(byte[] key, byte[] stored) {
        if (stored == null) {
            return null;
        }
        if (stored.length == 0) {
            throw new StoreException("value of " + stored.length + " bytes has no header", null);
        }
        boolean expires = (stored[0] & EXPIRES) != 0;
        int from = expires ? 1 + EXPIRY_BYTES : 1;
        long expireAt = expires ? getLong(stored, 1) : Entry.NO_EXPIRY;
        if (isHash(stored)) {
            byte[] payload = new byte[stored.length - from + key.length];
            System.arraycopy(stored, from, payload, 0, stored.length - from);
            System.arraycopy(key, 0, payload, stored.length - from, key.length);
            return new Entry(key, payload, expireAt, KeyValueStore.ValueType.HASH);
        }
        return new Entry(key, Arrays.copyOfRange(stored, from, stored.length), expireAt);
    }

    /** Whether {@code stored} is a hash's metadata. */
    static boolean isHash(byte[] stored) {
        return (stored[0] & 0xF0) >> 4 == HASH;
    }

    /** The expiry time in {@code stored}'s header, {@link Entry#NO_EXPIRY} if none; no copy of the value. */
    static long expireAt(byte[] stored) {
        return (stored[0] & EXPIRES) == 0 ? Entry.NO_EXPIRY : getLong(stored, 1);
    }

    /** The expiry index's key for {@code key} expiring at {@code expireAt}. */
    static byte[] indexKey(long expireAt, byte[] key) {
        byte[] indexKey = new byte[EXPIRY_BYTES + key.length];
        putLong(indexKey, 0, expireAt);
        System.arraycopy(key, 0, indexKey, EXPIRY_BYTES, key.length);
        return indexKey;
    }

    static long indexTime(byte[] indexKey) {
        return getLong(indexKey, 0);
    }

    static byte[] indexedKey(byte[] indexKey) {
        return Arrays.copyOfRange(indexKey, EXPIRY_BYTES, indexKey.length);
    }

    private static void putLong(byte[] bytes, int at, long value) {
        for (int i = 7; i >= 0; i--) {
            bytes[at + i] = (byte) value;
            value >>>= 8;
        }
    }

    private static long getLong(byte[] bytes, int at) {
        long value = 0;
        for (int i = 0; i < 8; i++) {
            value = value << 8 | (bytes[at + i] & 0xFF);
        }
        return value;
    }
}
