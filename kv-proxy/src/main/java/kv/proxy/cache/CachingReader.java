package kv.proxy.cache;

import java.util.concurrent.CompletableFuture;

import org.springframework.cache.annotation.Cacheable;
import org.springframework.stereotype.Service;

/**
 * The {@code @Cacheable} entry point of the read cache: {@code read(key)} returns the cached
 * future for the key, or, on a miss, the future this method creates, which Caffeine installs
 * under the key before anyone fetches anything.
 *
 * <p>Design note: that installed, not yet completed future is the placeholder of Redis's
 * client-side caching technique. It is in the cache before the GET leaves the proxy, so an
 * invalidation that arrives while the GET is in flight removes it, and the reply, when it comes,
 * completes a future the cache no longer holds: a raced reply is never cached. Concurrent misses
 * on the key find the same future and wait on it (single flight). This method does no I/O:
 * Spring runs it inside Caffeine's atomic insert, where a backend round trip would block
 * invalidations of the same hash bin. Instead it hands a {@link Ticket} to the calling thread,
 * which then fetches outside any lock and completes the future ({@link CoherentCache}).
 */
@Service
public class CachingReader {

    static final String CACHE = "values";

    private static final ThreadLocal<Ticket> TICKET = new ThreadLocal<>();

    /** The obligation to fetch {@code key} and complete {@code future}, given to the thread that missed. */
    record Ticket(Object key, CompletableFuture<CachedValue> future) {
    }

    @Cacheable(cacheNames = CACHE, sync = true) // the one argument is the key: no key expression to evaluate
    public CompletableFuture<CachedValue> read(Object key) {
        Ticket ticket = new Ticket(key, new CompletableFuture<>());
        TICKET.set(ticket);
        return ticket.future();
    }

    /** The ticket {@link #read} handed to this thread, if it missed; clears it. */
    static Ticket claimTicket() {
        Ticket ticket = TICKET.get();
        if (ticket != null) {
            TICKET.set(null); // not remove(): that unlinks the thread's entry, 2% of a miss in a profile
        }
        return ticket;
    }
}
