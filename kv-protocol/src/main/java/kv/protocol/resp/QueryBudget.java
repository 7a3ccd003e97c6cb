package kv.protocol.resp;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The memory all clients of a service may hold in requests still arriving, together: the bulk
 * strings their decoders are filling. Each {@link RespInput} reserves what its decoder allocates
 * for them and gives it back once the request is whole (or the client goes); a reservation that
 * would pass the limit is refused, and that client, the one asking for more, gets an error and
 * is closed, while the others' requests go on.
 *
 * <p>Design note: without it, 24 clients each sending a 200 MB value made kv-server allocate
 * 24 growing buffers at once and die of {@code OutOfMemoryError}; Redis 7 bounds the same memory
 * with {@code maxmemory-clients}. Only buffers of the decoder are counted, not the 16 KB read
 * buffer each event loop shares, nor a value once its request is whole (it then belongs to the
 * command, for the round that runs it).
 */
public final class QueryBudget {

    private final long limit;
    private final String setting;
    private final AtomicLong used = new AtomicLong();
    private final AtomicLong refusals = new AtomicLong();

    /**
     * @param limit   bytes all clients may hold in unfinished requests
     * @param setting the setting that decides it, named in the error
     */
    public QueryBudget(long limit, String setting) {
        if (limit < 1) {
            throw new IllegalArgumentException(setting + " must be positive");
        }
        this.limit = limit;
        this.setting = setting;
    }

    /** True if {@code bytes} more fit, which are then reserved. */
    boolean reserve(long bytes) {
        while (true) {
            long now = used.get();
            if (now + bytes > limit) {
                refusals.incrementAndGet();
                return false;
            }
            if (used.compareAndSet(now, now + bytes)) {
                return true;
            }
        }
    }

    void release(long bytes) {
        used.addAndGet(-bytes);
    }

    /** Bytes reserved now, by all clients. */
    public long used() {
        return used.get();
    }

    public long limit() {
        return limit;
    }

    /** Clients refused (and closed) because the budget was spent. */
    public long refusals() {
        return refusals.get();
    }

    /** What the refused client is told, after {@code Protocol error: }. */
    String refusal() {
        return "the requests being received from all clients hold " + used.get() + " bytes, the most "
                + setting + " allows is " + limit + "; closing this client";
    }
}
