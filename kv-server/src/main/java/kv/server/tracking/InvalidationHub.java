package kv.server.tracking;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

import kv.protocol.endpoint.ClientRegistry;
import kv.protocol.pubsub.Message;
import kv.protocol.resp.Replies;
import kv.protocol.resp.RespValue;
import kv.server.session.ClientSession;
import kv.server.session.TrackingMode;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;

/**
 * Server-assisted client-side caching, as Redis's {@code CLIENT TRACKING} does it: connections
 * that track keys are sent a RESP3 push {@code ["invalidate", [key, ...]]} when a key they may
 * have cached changes. kv-proxy relies on it to keep its cache coherent.
 *
 * <p>Design note: in the default mode the server remembers which tracking connections read
 * each key (the keys are recorded <em>before</em> the read runs, so a write that races the read
 * still invalidates it); a write sends one push to each of them and forgets the key, as Redis
 * does. BCAST connections are told about every write matching their prefixes. Pushes are sent
 * (or queued, if the target connection is busy) once the new values are readable and before the
 * writer's reply leaves, so once a write is acknowledged its invalidations are on their way. The remembered keys are capped ({@link #MAX_TRACKED_KEYS}): past it the oldest
 * entries are invalidated early, which is always safe.
 *
 * <p>With {@code REDIRECT id} (how a RESP2 client tracks), the invalidations go to that other
 * client instead, as Redis sends them: a RESP3 one gets the same push, a RESP2 one subscribed to
 * anything (it should be {@code __redis__:invalidate}) gets {@code message __redis__:invalidate [keys]};
 * if that client is gone, a RESP3 tracking client is told {@code tracking-redir-broken id} instead.
 */
@Component
public class InvalidationHub {

    static final int MAX_TRACKED_KEYS = 1_000_000;

    private final List<ClientSession> broadcast = new CopyOnWriteArrayList<>();
    private final Map<ByteBuffer, Set<ClientSession>> readers = new ConcurrentHashMap<>();
    private final LongAdder sent = new LongAdder();
    /**
     * A push goes out on the writer's thread if the target connection is free at that instant,
     * else through this one delivery thread: a writer never waits for another client's
     * connection (two tracking clients writing to each other could otherwise deadlock). The order
     * of pushes does not matter: each only says "drop these keys".
     */
    private final Executor deliveries;
    /** Invalidations of the atomic unit running on this thread, sent when it has committed. */
    private final ThreadLocal<List<Runnable>> deferred = new ThreadLocal<>();
    private final ClientRegistry<ClientSession> clients;

    public InvalidationHub(@Qualifier("kvInvalidations") Executor deliveries, ClientRegistry<ClientSession> clients) {
        this.deliveries = deliveries;
        this.clients = clients;
    }

    /** Starts or changes tracking for {@code session}. */
    public void enable(ClientSession session, TrackingMode mode) {
        disable(session);
        session.tracking(mode);
        if (mode.broadcast()) {
            broadcast.add(session);
        }
    }

    public void disable(ClientSession session) {
        session.tracking(null);
        broadcast.remove(session);
    }

    /** Called before a tracking session (default mode) reads {@code keys}. */
    public void willRead(ClientSession session, Collection<byte[]> keys) {
        TrackingMode mode = session.tracking();
        if (mode == null || mode.broadcast()) {
            return;
        }
        if (readers.size() >= MAX_TRACKED_KEYS) {
            evictSome();
        }
        for (byte[] key : keys) {
            readers.computeIfAbsent(ByteBuffer.wrap(key.clone()), k -> ConcurrentHashMap.newKeySet()).add(session);
        }
    }

    /** Called after {@code keys} were written by {@code writer}, before the writer is answered. */
    public void written(ClientSession writer, List<byte[]> keys) {
        if (broadcast.isEmpty() && readers.isEmpty()) {
            return;
        }
        List<Runnable> later = deferred.get();
        if (later != null) {
            List<byte[]> copied = List.copyOf(keys);
            later.add(() -> written(writer, copied));
            return;
        }
        for (ClientSession session : broadcast) {
            TrackingMode mode = session.tracking();
            if (mode == null) {
                broadcast.remove(session); // the connection closed
                continue;
            }
            if (session == writer && mode.noLoop()) {
                continue;
            }
            List<RespValue> matching = new ArrayList<>(keys.size());
            for (byte[] key : keys) {
                if (mode.covers(key)) {
                    matching.add(Replies.bulk(key));
                }
            }
            if (!matching.isEmpty()) {
                push(session, new RespValue.Array(matching));
            }
        }
        if (readers.isEmpty()) {
            return;
        }
        for (byte[] key : keys) {
            Set<ClientSession> sessions = readers.remove(ByteBuffer.wrap(key));
            if (sessions == null) {
                continue;
            }
            for (ClientSession session : sessions) {
                TrackingMode mode = session.tracking();
                if (mode != null && !mode.broadcast() && !(session == writer && mode.noLoop())) {
                    push(session, new RespValue.Array(List.of(Replies.bulk(key))));
                }
            }
        }
    }

    /** Everything changed (FLUSHDB): every tracking client gets a null key list, "flush all", as in Redis. */
    public void flushedAll(Collection<ClientSession> connected) {
        List<Runnable> later = deferred.get();
        if (later != null) {
            later.add(() -> flushedAll(connected));
            return;
        }
        readers.clear();
        for (ClientSession session : connected) {
            if (session.tracking() != null) {
                push(session, Replies.NULL);
            }
        }
    }

    /**
     * Runs {@code body} (an atomic unit) holding back the invalidations of its writes, then sends
     * them, once its writes are readable: a tracking client never re-reads a key before the unit
     * has committed. If {@code body} throws, nothing was written and nothing is sent. Nested
     * calls send at the outermost one's end.
     */
    public <T> T deferring(Supplier<T> body) {
        if (deferred.get() != null) {
            return body.get();
        }
        List<Runnable> later = new ArrayList<>();
        deferred.set(later);
        T result;
        try {
            result = body.get();
        }
        finally {
            deferred.remove();
        }
        later.forEach(Runnable::run);
        return result;
    }

    /** Invalidation messages sent so far. */
    public long sent() {
        return sent.sum();
    }

    public int trackedKeys() {
        return readers.size();
    }

    public int broadcastClients() {
        return broadcast.size();
    }

    private void push(ClientSession session, RespValue keys) {
        ClientSession target = session;
        long redirect = session.trackingRedirect();
        if (redirect == 0 && session.protocol() < 3) {
            // Tracking on a RESP2 connection without REDIRECT: Redis tracks its reads and sends it
            // nothing (RESP2 has no pushes on the connection itself), until it says HELLO 3.
            return;
        }
        sent.increment();
        if (redirect != 0) {
            target = clients.find(redirect);
            if (target == null) {
                session.redirectBroken(true);
                if (session.protocol() >= 3) {
                    deliver(session, new RespValue.Push(List.of(REDIR_BROKEN, Replies.integer(redirect))));
                }
                return;
            }
            if (target.protocol() < 3) {
                target.subscriptions().deliverDirect(Message.of(INVALIDATE_CHANNEL, keys)); // nothing if not subscribed, as Redis
                return;
            }
        }
        deliver(target, new RespValue.Push(List.of(INVALIDATE, keys)));
    }

    private void deliver(ClientSession session, RespValue push) {
        if (!session.tryPush(push)) {
            deliveries.execute(() -> session.push(push));
        }
    }

    /** The channel a RESP2 REDIRECT client subscribes to for invalidations. */
    public static final byte[] INVALIDATE_CHANNEL = "__redis__:invalidate".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final RespValue INVALIDATE = Replies.bulk("invalidate");
    private static final RespValue REDIR_BROKEN = Replies.bulk("tracking-redir-broken");

    private void evictSome() {
        Iterator<Map.Entry<ByteBuffer, Set<ClientSession>>> entries = readers.entrySet().iterator();
        for (int i = 0; i < 1000 && entries.hasNext(); i++) {
            Map.Entry<ByteBuffer, Set<ClientSession>> entry = entries.next();
            entries.remove();
            byte[] key = new byte[entry.getKey().remaining()];
            entry.getKey().duplicate().get(key);
            for (ClientSession session : entry.getValue()) {
                if (session.tracking() != null) {
                    push(session, new RespValue.Array(List.of(Replies.bulk(key))));
                }
            }
        }
    }
}
