package kv.proxy.cache;

import kv.protocol.ByteKey;
import kv.protocol.resp.RespValue;

/**
 * A backend's answer to {@code GET key} as the cache keeps it: the value or the absent value, and
 * the subscription generation of the owning backend's invalidation stream at the moment the GET
 * was sent. An entry is only served while that stream is still the same one (see
 * {@link CoherentCache}).
 *
 * @param reply a {@link RespValue.BulkString} or {@link RespValue.Null}
 * @param generation the owner's subscription generation when the fetch started
 */
public record CachedValue(RespValue reply, long generation) {

    /** Fixed cost per entry beyond key and value bytes: the entry, the key and value objects. */
    static final int OVERHEAD_BYTES = 96;

    /** Bytes this entry holds, with its key, for the cache's byte bound. */
    int weigh(ByteKey key) {
        int value = reply instanceof RespValue.BulkString bulk ? bulk.bytes().length : 0;
        return key.bytes().length + value + OVERHEAD_BYTES;
    }
}
