package kv.server.store;

import java.util.Arrays;

import kv.server.store.KeyValueStore.Entry;

/**
 * A hash's metadata, the value of its key in the values column family (after the header
 * {@link StoredValue} writes, with type hash): the version its fields are stored under (8 bytes),
 * how many fields it has (8 bytes), and a flags byte, {@link #LISTPACK} while Redis would still
 * keep the hash as a listpack (at most 128 fields, none of whose names or values is longer than
 * 64 bytes: OBJECT ENCODING's answer; as in Redis, a hash that grew past that stays a hashtable).
 *
 * <p>In memory, an {@link Entry}'s payload for a hash is these 17 bytes followed by the key the
 * fields are stored under (where the entry was read): an entry written back under another key
 * ({@link Entry#withKey}, RENAME and COPY) tells the store where to copy the fields from.
 */
public final class HashMeta {

    static final int BYTES = 17;
    private static final int LISTPACK = 0x01;
    /** Redis's hash-max-listpack-entries and hash-max-listpack-value defaults. */
    static final int LISTPACK_ENTRIES = 128;
    static final int LISTPACK_VALUE = 64;

    private final long version;
    private final long length;
    private final boolean listpack;
    private final byte[] origin;

    HashMeta(long version, long length, boolean listpack, byte[] origin) {
        this.version = version;
        this.length = length;
        this.listpack = listpack;
        this.origin = origin;
    }

    /** The metadata of {@code entry}, which holds a hash. */
    public static HashMeta of(Entry entry) {
        byte[] payload = entry.payload();
        if (!entry.isHash() || payload.length < BYTES) {
            throw new IllegalArgumentException("not a hash entry");
        }
        return new HashMeta(getLong(payload, 0), getLong(payload, 8), (payload[16] & LISTPACK) != 0,
                Arrays.copyOfRange(payload, BYTES, payload.length));
    }

    /** The number of fields (HLEN). */
    public long length() {
        return length;
    }

    /** Redis's encoding for this hash: {@code listpack} or {@code hashtable}. */
    public String encoding() {
        return listpack ? "listpack" : "hashtable";
    }

    boolean listpack() {
        return listpack;
    }

    long version() {
        return version;
    }

    /** The key the fields are stored under. */
    byte[] origin() {
        return origin;
    }

    /** The in-memory payload: the stored bytes, then {@code origin}. */
    byte[] payload(byte[] originKey) {
        byte[] payload = new byte[BYTES + originKey.length];
        putLong(payload, 0, version);
        putLong(payload, 8, length);
        payload[16] = (byte) (listpack ? LISTPACK : 0);
        System.arraycopy(originKey, 0, payload, BYTES, originKey.length);
        return payload;
    }

    HashMeta with(long newVersion, long newLength, boolean stillListpack) {
        return new HashMeta(newVersion, newLength, stillListpack, origin);
    }

    static void putLong(byte[] bytes, int at, long value) {
        for (int i = 7; i >= 0; i--) {
            bytes[at + i] = (byte) value;
            value >>>= 8;
        }
    }

    static long getLong(byte[] bytes, int at) {
        long value = 0;
        for (int i = 0; i < 8; i++) {
            value = value << 8 | (bytes[at + i] & 0xFF);
        }
        return value;
    }
}
