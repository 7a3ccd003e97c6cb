package kv.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A key's bytes as a map key: compared by content (a {@code byte[]} is not), with the hash
 * computed once, since a cache lookup asks for it more than once. Used by kv-server's value
 * cache and kv-proxy's read cache.
 */
public final class ByteKey {

    private final byte[] bytes;
    private final int hash;

    public ByteKey(byte[] bytes) {
        this.bytes = bytes;
        this.hash = Arrays.hashCode(bytes);
    }

    public static ByteKey of(String key) {
        return new ByteKey(key.getBytes(StandardCharsets.UTF_8));
    }

    public byte[] bytes() {
        return bytes;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ByteKey that && that.hash == hash && Arrays.equals(bytes, that.bytes);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
