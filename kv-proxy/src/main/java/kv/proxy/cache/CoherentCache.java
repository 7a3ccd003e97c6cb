package kv.proxy.cache;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Ticker;
import kv.protocol.ByteKey;
import kv.protocol.endpoint.RespClientConnectionFactory;
import kv.protocol.resp.Replies;
import kv.protocol.resp.RespValue;
import kv.protocol.resp.Request;
import kv.proxy.backend.Backend;
import kv.proxy.backend.BackendUnavailableException;
import kv.proxy.backend.Backends;
import kv.proxy.backend.Databases;
import kv.proxy.config.ProxyProperties;
import org.springframework.stereotype.Component;

/**
 * The proxy's read cache for GET, kept coherent with the backends: reads go through the
 * {@code @Cacheable} {@link CachingReader}; invalidation listeners and writes through the proxy
 * withdraw keys here.
 *
 * <p>Design note, the three rules that make it coherent:
 * <ol>
 * <li>A backend's keys are cached only while the proxy holds a subscribed invalidation stream to
 *     it. Each subscription gets a new generation number; an entry remembers the generation under
 *     which its GET was sent and is served only while that generation is current. So an entry
 *     fetched before a stream broke is never served after, even if it was inserted after the
 *     flush that the break caused.</li>
 * <li>The placeholder (the in-flight future, see {@link CachingReader}) is in the cache before
 *     the GET is sent, so an invalidation that crosses the reply removes it and the reply is not
 *     cached.</li>
 * <li>A write through the proxy withdraws its keys before it is sent, and its keys are neither
 *     answered from the cache nor cached until its reply is in ({@link WritesInFlight}); then
 *     they are withdrawn again, before the client sees the acknowledgement. So a GET through
 *     the proxy never gives a value older than one a reader straight to the backend has seen
 *     of a write still in flight, and a client reads its own writes.</li>
 * </ol>
 *
 * <p>Two more bounds. <b>Expiry</b>: a miss sends {@code PTTL key} right behind its
 * {@code GET key}, in the same pipeline, and the entry is never served from the moment the key
 * expires on the backend, whether or not the expiry's invalidation has arrived (Redis sends it
 * only when its active expiry or a read finds the key due; the proxy's hits read nothing there).
 * PTTL rather than PEXPIRETIME: a time relative to the backend's clock, added to the proxy's own
 * monotonic ticker read before the GET left, so a skew between the machines' clocks cannot make
 * an entry outlive its key; one millisecond is taken off for PTTL's rounding. A backend that
 * refuses PTTL (a kv-server without expiry) is cached as before, with no bound. <b>Databases</b>:
 * an entry is cached per database ({@link DbKey}); Redis's invalidation messages name keys, not
 * databases, so an invalidation of a key withdraws it from every database the cache has held
 * entries of: more withdrawals than needed for a key name used in several databases, never fewer.
 */
@Component
public class CoherentCache {

    private static final AtomicLong GENERATIONS = new AtomicLong();

    private final CachingReader reader;
    private final AsyncCache<Object, Object> cache;
    private final Backends backends;
    private final boolean enabled;
    private final long waitMillis;
    private final CacheStats stats;
    private final Map<Backend, AtomicLong> generations = new IdentityHashMap<>();
    private final WritesInFlight writesInFlight = new WritesInFlight();
    private final Ticker ticker;
    /** The highest database an entry has been cached for: invalidations withdraw a key from 0 to it. */
    private volatile int highestDb;

    public CoherentCache(CachingReader reader, AsyncCache<Object, Object> proxyValueCache, Backends backends,
                         ProxyProperties properties, CacheStats stats, Ticker cacheTicker) {
        this.reader = reader;
        this.ticker = cacheTicker;
        this.cache = proxyValueCache;
        this.backends = backends;
        this.enabled = properties.cache().enabled();
        this.waitMillis = properties.timeouts().reply().toMillis() + properties.timeouts().connect().toMillis();
        this.stats = stats;
        for (Backend backend : backends.all()) {
            generations.put(backend, new AtomicLong());
        }
    }

    /** Longest a GET waits for a fetch made by another request: the reply plus the connect timeout. */
    public long waitMillis() {
        return waitMillis;
    }

    /** A GET's answer and whether the cache gave it without a backend round trip. */
    public record Read(RespValue reply, boolean fromCache) {
    }

    /** {@code GET key} on its owner and database {@code db}, answered from the cache when it coherently can. */
    public Read get(Backend owner, int db, byte[] keyBytes) {
        PendingRead pending = begin(owner, db, keyBytes);
        RespValue fetched = null;
        if (pending.mustFetch()) {
            try {
                if (pending.ticket == null) {
                    fetched = fetch(owner, db, keyBytes); // not cached: no TTL needed
                }
                else {
                    Databases.Pipeline pipeline = new Databases.Pipeline();
                    int get = pipeline.add(db, getRequest(keyBytes));
                    int ttl = pipeline.add(db, ttlRequest(keyBytes));
                    long sentAt = now();
                    List<RespValue> replies = owner.callAll(pipeline.requests());
                    fetched = pipeline.reply(replies, get);
                    fill(pending, fetched, pipeline.reply(replies, ttl), sentAt);
                }
            }
            catch (RuntimeException e) {
                failed(pending, e); // every placeholder is completed, or its waiters would hang
                throw e;
            }
        }
        return finish(pending, fetched);
    }

    /** The cache's clock, for {@link #fill}'s {@code sentAt}. */
    public long now() {
        return ticker.read();
    }

    /**
     * A GET split in two, so that a pipelined batch can fetch all its misses from one backend in
     * one round trip: {@link #begin} joins the cache (a hit, a read in flight to wait for, or a
     * placeholder this caller must fill), the caller fetches what {@link PendingRead#mustFetch}
     * says, and {@link #finish} completes the placeholder and gives the answer.
     */
    public final class PendingRead {
        private final Backend owner;
        private final int db;
        private final byte[] keyBytes;
        private final long generation;
        private final CompletableFuture<CachedValue> future;
        private final CachingReader.Ticket ticket;

        private PendingRead(Backend owner, int db, byte[] keyBytes, long generation,
                            CompletableFuture<CachedValue> future, CachingReader.Ticket ticket) {
            this.owner = owner;
            this.db = db;
            this.keyBytes = keyBytes;
            this.generation = generation;
            this.future = future;
            this.ticket = ticket;
        }

        /** True if the cache holds the answer already: {@link #finish} will not wait. */
        public boolean answered() {
            return ticket == null && future != null && future.isDone();
        }

        /** True if the caller must send {@code GET key} to the owner and pass the reply to finish. */
        public boolean mustFetch() {
            return future == null || ticket != null;
        }

        /** True if the caller must send {@code PTTL key} right after the GET and pass its reply to fill. */
        public boolean mustFetchTtl() {
            return ticket != null;
        }

        /**
         * Completes when the answer is known, without waiting: at once for a hit or a read the
         * caller fetches itself, else when the request that fetches this key fills its placeholder.
         */
        public CompletableFuture<?> known() {
            return future == null || ticket != null ? CompletableFuture.completedFuture(null) : future;
        }

        /**
         * True if {@link #finish} would have to read the key again, a blocking call: the value
         * came in under an invalidation stream that has since broken.
         */
        public boolean mustRefetch() {
            if (ticket != null || future == null || !future.isDone() || future.isCompletedExceptionally()) {
                return false;
            }
            return !current(future.join(), this);
        }
    }

    public PendingRead begin(Backend owner, int db, byte[] keyBytes) {
        long generation = generation(owner);
        Object key = enabled ? DbKey.of(db, keyBytes) : null;
        if (!enabled || generation == 0 || writesInFlight.contains(DbKey.bytesOf(key))) {
            stats.bypasses.increment();
            return new PendingRead(owner, db, keyBytes, generation, null, null);
        }
        if (db > highestDb) {
            highestDb = db; // before its placeholder is in: an invalidation from then on reaches it
        }
        // A key already in the cache (a value, or a read in flight) is looked up directly: the
        // @Cacheable call would return the very same future, but its interceptor (key
        // expression, cache resolution) was over 40% of a cache hit in a profile. A miss goes
        // through @Cacheable, which installs the placeholder.
        CompletableFuture<CachedValue> future = present(key);
        if (future != null && expired(future)) {
            // Its key has expired on the backend: a miss, even if no invalidation said so.
            cache.asMap().remove(key, future);
            stats.expired.increment();
            future = present(key); // another reader may have placed a new fetch already
        }
        CachingReader.Ticket ticket = null;
        if (future == null) {
            future = reader.read(key);
            ticket = CachingReader.claimTicket();
            if (ticket != null) {
                stats.misses.increment();
                if (writesInFlight.contains(DbKey.bytesOf(key))) {
                    // A write of the key left between the check above and the placeholder going
                    // in, and withdrew before it was in: no one may join it from now on. Whoever
                    // joined already waits for this caller's fetch, which leaves after they came.
                    cache.asMap().remove(key, future);
                }
            }
        }
        return new PendingRead(owner, db, keyBytes, generation, future, ticket);
    }

    /**
     * Counts a GET that goes to its owner without joining the cache (a read behind a write of its
     * key in the same pipeline): an uncached read, as one of a backend without a subscription.
     */
    public void readThrough() {
        stats.bypasses.increment();
    }

    /** True if {@code future} holds a value whose key has expired on the backend since it was read. */
    private boolean expired(CompletableFuture<CachedValue> future) {
        if (!future.isDone() || future.isCompletedExceptionally()) {
            return false;
        }
        return expired(future.getNow(null));
    }

    @SuppressWarnings("unchecked")
    private CompletableFuture<CachedValue> present(Object key) {
        CompletableFuture<?> present = cache.getIfPresent(key);
        return (CompletableFuture<CachedValue>) present;
    }

    /**
     * @param fetched the owner's reply to the GET if {@link PendingRead#mustFetch}, else null;
     *                a {@link BackendUnavailableException} instead if the fetch failed
     */
    public Read finish(PendingRead pending, RespValue fetched) {
        if (pending.future == null) {
            return new Read(fetched, false);
        }
        if (pending.ticket != null && !pending.ticket.future().isDone()) {
            complete(pending, fetched, CachedValue.NEVER); // not filled: no TTL was asked for
        }
        CachedValue value;
        try {
            // An event loop must not wait: it may be the thread that reads the reply awaited.
            value = pending.future.get(RespClientConnectionFactory.onEventLoop() ? 0 : waitMillis, TimeUnit.MILLISECONDS);
        }
        catch (ExecutionException e) {
            if (e.getCause() instanceof UncacheableReply uncacheable) {
                return new Read(uncacheable.reply(), false);
            }
            if (e.getCause() instanceof BackendUnavailableException unavailable) {
                throw unavailable;
            }
            throw new IllegalStateException(e.getCause());
        }
        catch (TimeoutException e) {
            throw new BackendUnavailableException(pending.owner, e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackendUnavailableException(pending.owner, e);
        }
        if (pending.ticket != null) {
            return new Read(fetched, false);
        }
        if (!current(value, pending)) {
            // Cached under an invalidation stream that has since broken: it may have missed a
            // withdrawal. Or its key has expired meanwhile. Drop it and read through.
            (expired(value) ? stats.expired : stats.staleRejected).increment();
            cache.asMap().remove(DbKey.of(pending.db, pending.keyBytes), pending.future);
            return new Read(fetch(pending.owner, pending.db, pending.keyBytes), false);
        }
        stats.hits.increment(); // answered by the cache's entry, or by the fetch in flight it held
        return new Read(value != null ? value.reply() : Replies.NULL, true); // null: no such key
    }

    /**
     * A GET of a key that an earlier GET of the same pipeline read, with no write of that
     * pipeline between them: the earlier answer, counted as a hit when it came through the cache
     * (as waiting on that GET's fetch would). Never read anew: a later write of the pipeline may
     * have reached the backend by now.
     */
    public Read again(PendingRead pending, Read earlier) {
        if (pending.future == null) {
            return new Read(earlier.reply(), false); // not cached (bypassed) either time
        }
        stats.hits.increment();
        return new Read(earlier.reply(), true);
    }

    /**
     * True if {@code value} was fetched under the invalidation stream still subscribed. An absent
     * key's fetch leaves no value, only its placeholder completed with null, and so no generation:
     * a read that waited on it checks the generation it began under instead. That is as strict,
     * because a broken stream drops every placeholder of its backend, so one found in the cache
     * was sent under the generation current when it was found.
     */
    private boolean current(CachedValue value, PendingRead pending) {
        long fetchedUnder = value != null ? value.generation() : pending.generation;
        return fetchedUnder == generation(pending.owner) && !expired(value);
    }

    /** True if {@code value}'s key has expired on the backend since it was read. */
    private boolean expired(CachedValue value) {
        return value != null && value.expiresAt() != CachedValue.NEVER && ticker.read() >= value.expiresAt();
    }

    /**
     * Fills this read's placeholder with the fetched reply, if it holds one. A batch fills all
     * its placeholders before it waits on any read in flight elsewhere: two batches each waiting
     * for the other's placeholder would otherwise deadlock.
     */
    public void fill(PendingRead pending, RespValue fetched, RespValue ttl, long sentAt) {
        if (pending.ticket != null) {
            complete(pending, fetched, expiresAt(ttl, sentAt));
        }
    }

    /**
     * When an entry read at {@code sentAt} must no longer be served, from the backend's reply to
     * {@code PTTL key}: -1 no TTL; -2 the key went between the GET and the PTTL (due at once, its
     * invalidation is on the way); an error (a backend without PTTL) no bound known, as before.
     * A key with a TTL is due a millisecond early, for PTTL's rounding to whole milliseconds; one
     * whose TTL is beyond the ticker's range is never due.
     */
    private static long expiresAt(RespValue ttl, long sentAt) {
        if (ttl instanceof RespValue.Integer millis) {
            if (millis.value() == -1) {
                return CachedValue.NEVER;
            }
            if (millis.value() < 0) {
                return sentAt; // gone already
            }
            long due = sentAt + TimeUnit.MILLISECONDS.toNanos(Math.max(0, millis.value() - 1));
            // A TTL beyond the ticker's range (EXPIRE k 9223372036854775: PTTL's 9.2e15 ms is
            // Long.MAX_VALUE ns) overflows the sum: no bound the cache could tell, as for no TTL.
            return due < sentAt ? CachedValue.NEVER : due;
        }
        return CachedValue.NEVER;
    }

    /** The fetch for a placeholder failed: its waiters must not hang until their timeout. */
    public void failed(PendingRead pending, RuntimeException error) {
        if (pending.ticket != null) {
            pending.ticket.future().completeExceptionally(error);
        }
    }

    /**
     * Completes a miss's placeholder: a value stays cached; anything else (an absent key, an
     * error) goes to the waiters and leaves the cache. Absent keys are not kept: a stream of
     * GETs for keys that do not exist (a scan, a probe) would otherwise evict the values that
     * are read again, and cost an insertion and an eviction each.
     */
    private void complete(PendingRead pending, RespValue reply, long expiresAt) {
        CachingReader.Ticket ticket = pending.ticket;
        if (reply instanceof RespValue.BulkString) {
            // Even if due already (a TTL under 1 ms, or PTTL -2): the next hit finds it expired,
            // and a waiter on it reads again. An exceptional completion would log a warning.
            if (ticket.future().complete(new CachedValue(reply, pending.generation, expiresAt))) { // fill, then finish: once
                stats.stored.increment();
            }
        }
        else if (reply instanceof RespValue.Null) {
            // Completed with null: Caffeine then removes the entry if it is still this very
            // placeholder (never another miss's that replaced it after an invalidation), in one
            // map operation, and counts a load that found nothing. Not an exceptional completion:
            // Caffeine logs a warning for each of those.
            ticket.future().complete(null);
        }
        else {
            ticket.future().completeExceptionally(new UncacheableReply(reply));
        }
    }

    /** {@code GET key} as sent to a backend. */
    public static Request getRequest(byte[] key) {
        return new Request(new byte[][] {GET, key});
    }

    /** {@code PTTL key}, sent right after a miss's GET (see {@link PendingRead#mustFetchTtl}). */
    public static Request ttlRequest(byte[] key) {
        return new Request(new byte[][] {PTTL, key});
    }

    private static RespValue fetch(Backend owner, int db, byte[] key) {
        return owner.call(db, new Request(new byte[][] {GET, key}));
    }

    private static final byte[] GET = {'G', 'E', 'T'};
    private static final byte[] PTTL = {'P', 'T', 'T', 'L'};

    // ---- withdrawals -------------------------------------------------------------------------

    /**
     * A write of these keys is about to be sent: they are withdrawn, and not cached nor answered
     * from the cache until {@link #written(WritesInFlight.Writes)} is called with what this returns.
     */
    public WritesInFlight.Writes sending(List<byte[]> keys) {
        WritesInFlight.Writes writes = writesInFlight.add(keys);
        for (byte[] key : keys) {
            withdraw(key); // after the add: a placeholder put in from now on sees the write
        }
        return writes;
    }

    /**
     * The write {@link #sending} announced has its reply (or failed: it may have been applied):
     * its keys are withdrawn again, before the client is acknowledged, and may be cached again.
     */
    public void written(WritesInFlight.Writes writes) {
        written(writes.keys());
        writesInFlight.remove(writes);
    }

    /**
     * A write through the proxy changed these keys: withdraw them before acknowledging it. For a
     * write not announced by {@link #sending}: read-your-writes, but a GET through the proxy may
     * still be answered from the cache while the write is in flight.
     */
    public void written(List<byte[]> keys) {
        for (byte[] key : keys) {
            withdraw(key);
            stats.writeInvalidations.increment();
        }
    }

    /**
     * Withdraws {@code key} from every database held: invalidation messages carry no database,
     * and a write may reach another database than its client's (COPY ... DB n, MOVE).
     */
    private void withdraw(byte[] key) {
        ByteKey bytes = new ByteKey(key);
        cache.synchronous().invalidate(bytes);
        for (int db = 1, highest = highestDb; db <= highest; db++) {
            cache.synchronous().invalidate(new DbKey(db, bytes));
        }
    }

    /** A write through the proxy may have changed every key (FLUSHDB). */
    public void writtenAll() {
        cache.synchronous().invalidateAll();
        stats.flushes.increment();
    }

    /** {@code owner} pushed an invalidation for these keys. */
    public void invalidated(Backend owner, List<byte[]> keys) {
        for (byte[] key : keys) {
            withdraw(key);
            stats.pushInvalidations.increment();
        }
    }

    /** {@code owner} pushed an invalidation of everything it holds (FLUSHDB, FLUSHALL). */
    public void invalidatedAll(Backend owner) {
        dropEntriesOf(owner);
    }

    /**
     * {@code owner}'s invalidation stream is subscribed: from now on its keys may be cached, under
     * a new generation.
     */
    public void subscribed(Backend owner) {
        generations.get(owner).set(GENERATIONS.incrementAndGet());
    }

    /**
     * {@code owner}'s invalidation stream broke: withdrawals may have been lost, so nothing of its
     * keys is cached until it is subscribed again, and what was cached is dropped.
     */
    public void lost(Backend owner) {
        generations.get(owner).set(0);
        dropEntriesOf(owner);
    }

    /** True if {@code owner}'s keys are being cached. */
    public boolean isCoherent(Backend owner) {
        return generation(owner) != 0;
    }

    private long generation(Backend owner) {
        return generations.get(owner).get();
    }

    private void dropEntriesOf(Backend owner) {
        stats.flushes.increment();
        if (backends.all().size() == 1) {
            cache.synchronous().invalidateAll();
            return;
        }
        cache.asMap().keySet().removeIf(key -> backends.owner(DbKey.bytesOf(key).bytes()) == owner);
    }

    // ---- observation -------------------------------------------------------------------------

    public CacheStats stats() {
        return stats;
    }

    public boolean enabled() {
        return enabled;
    }

    /** Entries held, in-flight fetches included. */
    public long entries() {
        return cache.synchronous().estimatedSize();
    }

    /** Bytes held by completed entries, as weighed for the byte bound. */
    public long weightedBytes() {
        return cache.synchronous().policy().eviction()
                .map(eviction -> eviction.weightedSize().orElse(0)).orElse(0L);
    }

    /** The bound on {@link #weightedBytes}: kv.proxy.cache.max-bytes, or what CONFIG SET maxmemory made it. */
    public long maximumBytes() {
        return cache.synchronous().policy().eviction().map(eviction -> eviction.getMaximum()).orElse(0L);
    }
}
