package kv.proxy.cache;

import kv.protocol.ByteKey;
import kv.protocol.resp.RespValue;

/**
 * A backend's answer to {@code GET key} as the cache keeps it: the value, the subscription
 * generation of the owning backend's invalidation stream at the moment the GET was sent, and the
 * moment the key expires on the backend, if it has a TTL. An entry is only served while that
 * stream is still the same one and before that moment (see {@link CoherentCache}).
 *
 * @param reply a {@link RespValue.BulkString}
 * @param generation the owner's subscription generation when the fetch started
 * @param expiresAt the cache ticker's time (ns) from which the entry must not be served, or
 *                  {@link #NEVER} for a key without a TTL (or a backend that does not say)
 */
public record CachedValue(RespValue reply, long generation, long expiresAt) {

    /** {@link #expiresAt} of a key without a TTL. */
    static final long NEVER = Long.MAX_VALUE;

    /** Fixed cost per entry beyond key and value bytes: the entry, the key and value objects. */
    static final int OVERHEAD_BYTES = 96;

    /** Bytes this entry holds, with its key, for the cache's byte bound. */
    int weigh(Object cacheKey) {
        int value = reply instanceof RespValue.BulkString bulk ? bulk.bytes().length : 0;
        return DbKey.bytesOf(cacheKey).bytes().length + value + OVERHEAD_BYTES;
    }
}
