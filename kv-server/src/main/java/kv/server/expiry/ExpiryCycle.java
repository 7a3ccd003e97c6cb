package kv.server.expiry;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.LongAdder;

import kv.server.config.KvServerProperties;
import kv.server.pubsub.KeyspaceEvents;
import kv.server.store.KeyValueStore;
import kv.server.store.StoreException;
import kv.server.tracking.InvalidationHub;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.TaskScheduler;

/**
 * Active expiry: deletes keys whose expiry time has passed, so that their space is reclaimed
 * and tracking clients are told even if nobody reads them again (reads never see them anyway:
 * the store hides them, which is passive expiry).
 *
 * <p>Design note: Redis's cycle runs 10 times a second and stops at 25% of the CPU; this one
 * runs every {@code kv.server.expiry.interval} on a Spring-managed scheduler thread (never an
 * event loop) and stops after {@code budget}. Each step deletes one slice of due keys, oldest
 * first, in one RocksDB batch, under the store's write lock, so a client's write waits for at
 * most one slice, never for a whole cycle: a million keys expiring at once are deleted over
 * several cycles while every client is served between the slices. Each expiry is an ordinary
 * delete through the store's write path, and is counted ({@code expired_keys} in INFO) and
 * sent to tracking clients as an invalidation of the key, as Redis does.
 */
public final class ExpiryCycle implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ExpiryCycle.class);

    private final KeyValueStore store;
    private final InvalidationHub invalidations;
    private final Clock clock;
    private final TaskScheduler scheduler;
    private final KvServerProperties.Expiry settings;
    private final KeyspaceEvents events;
    private final LongAdder expired = new LongAdder();
    private volatile ScheduledFuture<?> task;

    public ExpiryCycle(KeyValueStore store, InvalidationHub invalidations, Clock clock, TaskScheduler scheduler,
                       KvServerProperties.Expiry settings, KeyspaceEvents events) {
        this.events = events;
        this.store = store;
        this.invalidations = invalidations;
        this.clock = clock;
        this.scheduler = scheduler;
        this.settings = settings;
    }

    /** Keys the cycle has deleted since start (INFO's {@code expired_keys}). */
    public long expiredKeys() {
        return expired.sum();
    }

    /**
     * One run: deletes due keys a slice at a time until none are due or the budget is spent;
     * returns how many it deleted.
     */
    public long runOnce() {
        long deadline = System.nanoTime() + settings.budget().toNanos();
        long deleted = 0;
        do {
            List<byte[]> keys = store.expireDue(clock.millis(), settings.slice());
            if (keys.isEmpty()) {
                break;
            }
            deleted += keys.size();
            expired.add(keys.size());
            invalidations.written(null, names(keys));
            events.expired(keys);
        } while (System.nanoTime() < deadline);
        return deleted;
    }

    /**
     * Passive expiry's keyspace events: before a command touches keys, while {@code expired}
     * events are on, one slice of due keys is deleted (and told as {@code expired}), so that a
     * key read past its time gets its event before the command's reply, as in Redis. Oldest
     * first: with more than a slice due at once, a key read may get its event from the next
     * cycle instead. Off (nothing done) while no one listens to {@code expired} events.
     */
    public void beforeAccess() {
        if (!events.enabled(KeyspaceEvents.EXPIRED)) {
            return;
        }
        List<byte[]> keys;
        try {
            keys = store.expireDue(clock.millis(), settings.slice());
        }
        catch (StoreException e) {
            return; // the command itself meets the storage's trouble, if it has to
        }
        if (!keys.isEmpty()) {
            expired.add(keys.size());
            invalidations.written(null, names(keys));
            events.expired(keys);
        }
    }

    private void run() {
        try {
            runOnce();
        }
        catch (StoreException e) {
            log.debug("Expiry cycle skipped: {}", e.getMessage()); // closing, or storage failing: health reports it
        }
        catch (RuntimeException e) {
            log.error("Expiry cycle failed", e);
        }
    }

    private static List<byte[]> names(List<byte[]> keys) {
        // A key is its database byte and its name; tracking clients know names (as in Redis).
        return keys.stream().map(key -> java.util.Arrays.copyOfRange(key, 1, key.length)).toList();
    }

    @Override
    public void start() {
        if (settings.active()) {
            task = scheduler.scheduleWithFixedDelay(this::run, settings.interval());
        }
    }

    @Override
    public void stop() {
        ScheduledFuture<?> running = task;
        task = null;
        if (running != null) {
            running.cancel(false);
        }
    }

    @Override
    public boolean isRunning() {
        return task != null;
    }
}
