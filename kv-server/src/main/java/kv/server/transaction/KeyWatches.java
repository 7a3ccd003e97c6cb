package kv.server.transaction;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import kv.protocol.ByteKey;
import kv.server.session.ClientSession;
import kv.server.store.KeyValueStore;
import kv.server.store.KeyValueStore.Entry;
import kv.server.store.WriteObserver;
import org.springframework.stereotype.Component;

/**
 * WATCH: which sessions watch which keys, and the change of a watched key, by anyone and by any
 * write path, that makes their EXEC answer a null array. Keys are the store's keys (a database's
 * prefix byte, then the name), so a watch is per database, as in Redis.
 *
 * <p>Design note: the store tells this registry of every changed key ({@link WriteObserver}),
 * from its one write path: commands, group commits, atomic units (at their commit), the active
 * expiry cycle and flushes; so no command has to remember to. Each change costs one map lookup
 * per key while anything is watched, nothing otherwise. As in Redis 7.0: a key that was absent
 * (or expired) when watched is not changed by a deletion or expiry that leaves it absent; a key
 * that was live when watched and whose expiry time has passed by EXEC counts as changed even if
 * the active cycle has not deleted it yet ({@link #changedSince}); once a session's watched key
 * changed, its other watches are dropped (EXEC will fail anyway).
 */
@Component
public class KeyWatches implements WriteObserver {

    private final Map<ByteKey, List<Watch>> byKey = new HashMap<>();
    private final Map<ClientSession, Map<ByteKey, Watch>> bySession = new HashMap<>();
    /** Sessions told to unwatch when they close (once each, until they close). */
    private final java.util.Set<ClientSession> toldOnClose = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile boolean observing;

    /** One session's watch of one key, with what the key was when WATCH ran. */
    private static final class Watch {
        final ClientSession session;
        ByteKey key;
        final boolean liveWhenWatched;
        final long expireAt;

        Watch(ClientSession session, ByteKey key, Entry current) {
            this.session = session;
            this.key = key;
            this.liveWhenWatched = current != null;
            this.expireAt = current == null ? Entry.NO_EXPIRY : current.expireAt();
        }
    }

    public KeyWatches(KeyValueStore store) {
        store.observe(this);
    }

    /**
     * {@code session} watches {@code keys} (store keys), which hold {@code current} now (null:
     * absent). Run with no write in between the read of {@code current} and this call (inside an
     * atomic unit). A key watched twice is watched once.
     */
    public synchronized void watch(ClientSession session, List<byte[]> keys, List<Entry> current) {
        Map<ByteKey, Watch> mine = bySession.get(session);
        if (mine == null) {
            mine = new HashMap<>();
            bySession.put(session, mine);
            if (toldOnClose.add(session)) {
                session.whenClosed(() -> {
                    unwatch(session);
                    toldOnClose.remove(session);
                });
            }
        }
        for (int i = 0; i < keys.size(); i++) {
            ByteKey key = new ByteKey(keys.get(i));
            if (mine.containsKey(key)) {
                continue;
            }
            Watch watch = new Watch(session, key, current.get(i));
            mine.put(key, watch);
            byKey.computeIfAbsent(key, k -> new ArrayList<>(1)).add(watch);
        }
        session.watchedKeys(mine.size());
        observing = true;
    }

    /** UNWATCH (and EXEC, DISCARD, RESET, a closed connection): forgets the session's watches and their changes. */
    public synchronized void unwatch(ClientSession session) {
        forget(session);
        session.watchedKeyChanged(false);
    }

    /**
     * EXEC's question: did a key {@code session} watches change since WATCH, or has a key that
     * was live then passed its expiry time by {@code now}? Ask inside the atomic unit EXEC runs
     * in, so that no write lands between the answer and the commands.
     */
    public synchronized boolean changedSince(ClientSession session, long now) {
        if (session.watchedKeyChanged()) {
            return true;
        }
        for (Watch watch : bySession.getOrDefault(session, Map.of()).values()) {
            if (watch.liveWhenWatched && watch.expireAt != Entry.NO_EXPIRY && watch.expireAt <= now) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean observing() {
        return observing;
    }

    @Override
    public synchronized void changed(byte[] key, boolean live) {
        List<Watch> watches = byKey.get(new ByteKey(key));
        if (watches == null) {
            return;
        }
        List<ClientSession> touched = new ArrayList<>(watches.size());
        for (Watch watch : watches) {
            if (watch.liveWhenWatched || live) { // absent then and absent now: no logical change
                touched.add(watch.session);
            }
        }
        for (ClientSession session : touched) {
            session.watchedKeyChanged(true);
            forget(session); // EXEC fails anyway: no need to hear of its other keys
        }
    }

    @Override
    public synchronized List<byte[]> observed(byte[] prefix) {
        List<byte[]> keys = new ArrayList<>();
        for (ByteKey key : byKey.keySet()) {
            byte[] bytes = key.bytes();
            if (bytes.length >= prefix.length && java.util.Arrays.equals(bytes, 0, prefix.length, prefix, 0, prefix.length)) {
                keys.add(bytes);
            }
        }
        return keys;
    }

    /**
     * SWAPDB of the databases whose prefixes were {@code first} and {@code second}: a watch of a
     * name that exists in either database (by {@code exists}, over store keys) has changed, as
     * Redis says; the others now watch the name under its database's new prefix. Run inside an
     * atomic unit, after the swap: {@code exists} is called outside this registry's lock.
     */
    public void swapped(byte first, byte second, Predicate<byte[]> exists) {
        List<Watch> affected = new ArrayList<>();
        synchronized (this) {
            for (List<Watch> watches : byKey.values()) {
                for (Watch watch : watches) {
                    byte prefix = watch.key.bytes()[0];
                    if (prefix == first || prefix == second) {
                        affected.add(watch);
                    }
                }
            }
        }
        List<Boolean> existing = new ArrayList<>(affected.size());
        for (Watch watch : affected) {
            byte[] key = watch.key.bytes();
            existing.add(exists.test(key) || exists.test(withPrefix(key, key[0] == first ? second : first)));
        }
        synchronized (this) {
            for (int i = 0; i < affected.size(); i++) {
                Watch watch = affected.get(i);
                if (!stillWatched(watch)) {
                    continue; // unwatched meanwhile
                }
                if (existing.get(i)) {
                    watch.session.watchedKeyChanged(true);
                    forget(watch.session);
                }
            }
            // The rest move with their database: database n's keys now carry the other prefix.
            List<Watch> moving = new ArrayList<>();
            for (Watch watch : affected) {
                if (stillWatched(watch)) {
                    moving.add(watch);
                    remove(watch);
                }
            }
            for (Watch watch : moving) {
                bySession.get(watch.session).remove(watch.key);
            }
            for (Watch watch : moving) {
                byte[] key = watch.key.bytes();
                watch.key = new ByteKey(withPrefix(key, key[0] == first ? second : first));
                bySession.get(watch.session).put(watch.key, watch);
                byKey.computeIfAbsent(watch.key, k -> new ArrayList<>(1)).add(watch);
            }
        }
    }

    private boolean stillWatched(Watch watch) {
        Map<ByteKey, Watch> mine = bySession.get(watch.session);
        return mine != null && mine.get(watch.key) == watch;
    }

    /** Keys watched now, by every session (for INFO and tests). */
    public synchronized int watchedKeys() {
        return byKey.size();
    }

    private static byte[] withPrefix(byte[] key, byte prefix) {
        byte[] moved = key.clone();
        moved[0] = prefix;
        return moved;
    }

    /** Drops the session's watches, keeping whether one changed. Caller holds the lock. */
    private void forget(ClientSession session) {
        Map<ByteKey, Watch> mine = bySession.remove(session);
        if (mine != null) {
            mine.values().forEach(this::remove);
        }
        session.watchedKeys(0);
        observing = !byKey.isEmpty();
    }

    private void remove(Watch watch) {
        List<Watch> watches = byKey.get(watch.key);
        if (watches != null) {
            watches.remove(watch);
            if (watches.isEmpty()) {
                byKey.remove(watch.key);
            }
        }
    }
}
