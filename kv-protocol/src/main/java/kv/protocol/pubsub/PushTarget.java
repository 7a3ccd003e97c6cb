package kv.protocol.pubsub;

/**
 * Where a subscriber's pushes go: its connection's queue of outgoing pushes. An offer never
 * waits (not for the connection's lock, not for its socket), so a publisher is never held up
 * by a slow subscriber.
 */
@FunctionalInterface
public interface PushTarget {

    /** A target that takes nothing (a client not carried by a connection yet). */
    PushTarget NONE = encoded -> false;

    /**
     * Queues {@code encoded} (one whole RESP value) to be sent after what the connection has
     * queued before it.
     *
     * @return false if the connection is closed or over its output buffer limit (the push is dropped)
     */
    boolean offer(byte[] encoded);
}
