package kv.proxy.cache;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

import kv.protocol.ByteKey;

/**
 * The keys of writes the proxy has sent and not yet had answered, counted per key name (every
 * database, as withdrawals are). While a key is here the cache neither answers nor keeps it:
 * the backend may have applied the write already, and a reader going straight to the backend
 * may have seen the new value.
 *
 * <p>Design note: withdrawing a written key only when the backend's acknowledgement arrives (as
 * before 2 December) gives read-your-writes through the proxy but not linearizability with a
 * second path: the Jepsen-style run found a client read 416 straight from a member, then a client
 * of the proxy read 415 from the cache while the proxy's INCR to 416 was still waiting for its
 * reply. A key is therefore added here, and withdrawn, <em>before</em> its write leaves, and
 * removed (and withdrawn again) once the reply is in.
 */
public final class WritesInFlight {

    private static final Writes NONE = new Writes(List.of());

    private final ConcurrentHashMap<ByteKey, Integer> counts = new ConcurrentHashMap<>();

    /** One write's keys, added by {@link #add} and removed by {@link #remove}: exactly once. */
    public static final class Writes {
        private final List<byte[]> keys;
        private boolean removed;

        private Writes(List<byte[]> keys) {
            this.keys = keys;
        }

        List<byte[]> keys() {
            return keys;
        }
    }

    Writes add(List<byte[]> keys) {
        if (keys.isEmpty()) {
            return NONE; // a batch of reads only: nothing to count, nothing allocated
        }
        for (byte[] key : keys) {
            counts.merge(new ByteKey(key), 1, Integer::sum);
        }
        return new Writes(keys);
    }

    /** Removes {@code writes}' keys; a second call for the same writes does nothing. */
    void remove(Writes writes) {
        if (writes.keys.isEmpty()) {
            return;
        }
        synchronized (writes) {
            if (writes.removed) {
                return;
            }
            writes.removed = true;
        }
        for (byte[] key : writes.keys) {
            counts.computeIfPresent(new ByteKey(key), (k, count) -> count == 1 ? null : count - 1);
        }
    }

    /** True if a write of {@code key} has been sent and not answered yet. */
    boolean contains(ByteKey key) {
        return !counts.isEmpty() && counts.containsKey(key);
    }
}
