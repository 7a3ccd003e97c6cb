package kv.proxy.cache;

import kv.protocol.resp.RespValue;

/**
 * Completes a miss's future when the backend answered GET with something other than a value
 * (an error such as {@code WRONGTYPE}): waiters get the reply and Caffeine drops the entry.
 */
final class UncacheableReply extends RuntimeException {

    private final transient RespValue reply;

    UncacheableReply(RespValue reply) {
        super(null, null, false, false);
        this.reply = reply;
    }

    RespValue reply() {
        return reply;
    }
}
