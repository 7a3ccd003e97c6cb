package kv.proxy.cache;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A key as the cache holds it: the key's bytes, compared by content (a {@code byte[]} is not). */
public record CacheKey(byte[] bytes) {

    public static CacheKey of(String key) {
        return new CacheKey(key.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof CacheKey that && Arrays.equals(bytes, that.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
