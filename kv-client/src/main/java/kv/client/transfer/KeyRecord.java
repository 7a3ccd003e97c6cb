package kv.client.transfer;

import java.util.List;

/**
 * One key as the bulk tools move it: its database, its type, its absolute expiry time and its
 * contents. A string holds one value; a hash holds its fields and values, alternating.
 *
 * @param expireAt the expiry time in ms since the epoch, or {@link #NO_EXPIRY}
 * @param contents a string's value, or a hash's field, value, field, value...
 */
public record KeyRecord(int db, Type type, byte[] key, long expireAt, List<byte[]> contents) {

    public static final long NO_EXPIRY = -1;

    /** The types kv has, by the names TYPE answers. */
    public enum Type {
        STRING("string"), HASH("hash");

        private final String word;

        Type(String word) {
            this.word = word;
        }

        public String word() {
            return word;
        }

        /** The type TYPE answered, or null for one kv does not have (list, set, zset, stream...). */
        public static Type of(String word) {
            for (Type type : values()) {
                if (type.word.equals(word)) {
                    return type;
                }
            }
            return null;
        }
    }

    public KeyRecord {
        if (type == Type.STRING && contents.size() != 1) {
            throw new IllegalArgumentException("a string has one value");
        }
        if (type == Type.HASH && (contents.isEmpty() || contents.size() % 2 != 0)) {
            throw new IllegalArgumentException("a hash has at least one field, each with a value");
        }
    }

    public boolean expires() {
        return expireAt != NO_EXPIRY;
    }

    /** The bytes of the key and its contents (for the summaries' byte counts). */
    public long bytes() {
        long bytes = key.length;
        for (byte[] part : contents) {
            bytes += part.length;
        }
        return bytes;
    }
}
