package kv.protocol.tcp;

/**
 * A reply that is not known yet when the request has been handled: the proxy answers a GET miss
 * or a SET once the round's backend round trip is done. The connection keeps it, and every
 * reply after it, in order until it is resolved with a {@link Reply} or {@link ReplyBatch}.
 */
public final class DeferredReply {

    private volatile Object resolved;
    private Runnable onResolved = () -> { };

    /** The reply, or null while it is not known. */
    public Object resolved() {
        return resolved;
    }

    /** Sets the reply (a {@link Reply} or a {@link ReplyBatch}) and tells the connection waiting for it. */
    public void resolve(Object reply) {
        Runnable callback;
        synchronized (this) {
            if (resolved != null) {
                throw new IllegalStateException("already resolved");
            }
            resolved = reply;
            callback = onResolved;
        }
        callback.run();
    }

    /** Runs {@code callback} once resolved (at once if already). */
    public void whenResolved(Runnable callback) {
        synchronized (this) {
            if (resolved == null) {
                onResolved = callback;
                return;
            }
        }
        callback.run();
    }
}
