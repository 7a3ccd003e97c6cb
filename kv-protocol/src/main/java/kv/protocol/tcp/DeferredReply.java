package kv.protocol.tcp;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A reply that is not known yet when the request has been handled: the proxy answers a GET miss
 * or a SET once the round's backend round trip is done, the server a DBSIZE once its background
 * count is done. The connection keeps it, and every reply after it, in order until it is
 * resolved with a {@link Reply} or {@link ReplyBatch}; every callback registered with
 * {@link #whenResolved} then runs once.
 */
public final class DeferredReply implements Response {

    private volatile Ready resolved;
    /** The requests pipelined after this reply's, held until it is resolved (see {@link #holdingBack}); null: none. */
    private volatile RequestBatch heldBack;
    /** The first callback (guarded by this): most replies have one, the connection's, and need no list. */
    private Runnable first;
    /** Callbacks after the first, in registration order (guarded by this). */
    private List<Runnable> more;

    /**
     * Marks {@code rest}, the requests a client pipelined after this reply's (in the same
     * {@link RequestBatch}), as held back: the connection runs them once this reply is resolved,
     * as it would if they had arrived after it. Returns this reply.
     */
    public DeferredReply holdingBack(RequestBatch rest) {
        this.heldBack = rest;
        return this;
    }

    /** The requests {@link #holdingBack} handed over, once; null if none (or already taken). */
    public RequestBatch takeHeldBack() {
        RequestBatch rest = heldBack;
        heldBack = null;
        return rest;
    }

    /** The reply, or null while it is not known. */
    @Override
    public Ready ready() {
        return resolved;
    }

    /**
     * Sets the reply and runs the callbacks registered so far, in order, on this thread; a
     * callback that throws does not keep the others from running.
     *
     * @throws IllegalStateException if it was resolved already
     */
    public void resolve(Ready reply) {
        Objects.requireNonNull(reply, "reply");
        Runnable callback;
        List<Runnable> others;
        synchronized (this) {
            if (resolved != null) {
                throw new IllegalStateException("already resolved");
            }
            resolved = reply;
            callback = first;
            others = more;
            first = null;
            more = null;
        }
        RuntimeException failure = run(callback, null);
        if (others != null) {
            for (Runnable other : others) {
                failure = run(other, failure);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static RuntimeException run(Runnable callback, RuntimeException failure) {
        if (callback == null) {
            return failure;
        }
        try {
            callback.run();
            return failure;
        }
        catch (RuntimeException e) {
            if (failure == null) {
                return e;
            }
            failure.addSuppressed(e);
            return failure;
        }
    }

    /** Runs {@code callback} once resolved (at once, on this thread, if it is already), after those registered before it. */
    public void whenResolved(Runnable callback) {
        Objects.requireNonNull(callback, "callback");
        synchronized (this) {
            if (resolved == null) {
                if (first == null) {
                    first = callback;
                }
                else {
                    if (more == null) {
                        more = new ArrayList<>(2);
                    }
                    more.add(callback);
                }
                return;
            }
        }
        callback.run();
    }
}
