package kv.proxy.pubsub;

import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.annotation.PreDestroy;
import kv.protocol.Glob;
import kv.protocol.resp.Replies;
import kv.protocol.resp.RespOutput;
import kv.protocol.resp.RespValue;
import kv.proxy.backend.Backend;
import kv.proxy.backend.Backends;
import kv.proxy.config.ProxyProperties;
import kv.proxy.session.ClientSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Pub/sub through the proxy: which client is subscribed to which channels and patterns, the union
 * of them that the proxy itself subscribes to on every backend (one {@link BackendSubscriber}
 * each), and the relay of each backend's messages to the proxy's subscribers.
 *
 * <p>Design note: a message published on any backend, through the proxy or straight to it, reaches
 * the proxy's subscribers, because the proxy subscribes to the union on every backend; a PUBLISH
 * through the proxy goes to one backend only (by the channel's hash), so each message arrives once.
 * A client's messages are written behind every reply it has been sent or is waiting for
 * ({@link ClientSession#push}), so none overtakes the confirmation of its SUBSCRIBE. The union
 * changes under one lock and is written to the backends under it, so the backends see the
 * subscribes and unsubscribes in the order the proxy decided them.
 */
@Component
public class PubSubHub {

    private static final Logger log = LoggerFactory.getLogger(PubSubHub.class);
    private static final RespValue MESSAGE = Replies.bulk("message");
    private static final RespValue PMESSAGE = Replies.bulk("pmessage");

    /** What one client is subscribed to, in subscription order. */
    private static final class Subscriptions {
        final Set<ByteBuffer> channels = new LinkedHashSet<>();
        final Set<ByteBuffer> patterns = new LinkedHashSet<>();

        int count() {
            return channels.size() + patterns.size();
        }
    }

    private final Object lock = new Object();
    private final Map<ByteBuffer, Set<ClientSession>> channels = new ConcurrentHashMap<>();
    private final Map<ByteBuffer, Set<ClientSession>> patterns = new ConcurrentHashMap<>();
    /** Patterns compiled once, for PUBLISH's and NUMSUB's counts. */
    private final Map<ByteBuffer, Glob> globs = new ConcurrentHashMap<>();
    private final Map<Long, Subscriptions> bySession = new ConcurrentHashMap<>();
    private final List<BackendSubscriber> subscribers = new ArrayList<>();
    private final long confirmMillis;
    private final long connectMillis;

    public PubSubHub(Backends backends, ProxyProperties properties) {
        this.confirmMillis = properties.timeouts().reply().toMillis();
        for (Backend backend : backends.all()) {
            subscribers.add(new BackendSubscriber(backend, this, properties.timeouts()));
        }
        this.connectMillis = properties.timeouts().connect().toMillis();
    }

    @PreDestroy
    void stop() {
        subscribers.forEach(BackendSubscriber::stop);
    }

    /** True once every backend's subscriber connection is up (they open with the first SUBSCRIBE). */
    public boolean connected() {
        return subscribers.stream().allMatch(BackendSubscriber::connected);
    }

    /** Breaks every backend subscriber connection (tests: it must reconnect and resubscribe). */
    public void dropBackendConnections() {
        subscribers.forEach(BackendSubscriber::reconnect);
    }

    // ---- subscribing ---------------------------------------------------------------------------

    /**
     * (P)SUBSCRIBE: adds the names for {@code session}, subscribes the backends to those no client
     * had, waits (at most the reply timeout) for their confirmations, and returns one confirmation
     * frame per name, with the client's count of subscriptions after it, as Redis does.
     */
    public List<RespValue> subscribe(ClientSession session, List<byte[]> names, boolean pattern) {
        String kind = pattern ? "psubscribe" : "subscribe";
        for (BackendSubscriber subscriber : subscribers) {
            subscriber.awaitConnected(connectMillis); // a backend that is down gets the union when it is back
        }
        List<RespValue> confirmations = new ArrayList<>(names.size());
        List<CompletableFuture<Void>> waits = new ArrayList<>();
        synchronized (lock) {
            Subscriptions mine = bySession.computeIfAbsent(session.id(), id -> {
                session.whenClosed(() -> unsubscribeAll(session));
                return new Subscriptions();
            });
            Map<ByteBuffer, Set<ClientSession>> union = pattern ? patterns : channels;
            List<byte[]> fresh = new ArrayList<>();
            for (byte[] name : names) {
                ByteBuffer key = ByteBuffer.wrap(name);
                if ((pattern ? mine.patterns : mine.channels).add(key)) {
                    Set<ClientSession> subscribed = union.computeIfAbsent(key, k -> new CopyOnWriteArraySet<>());
                    if (subscribed.isEmpty()) {
                        fresh.add(name);
                        if (pattern) {
                            globs.put(key, Glob.of(name));
                        }
                    }
                    subscribed.add(session);
                }
                confirmations.add(frame(kind, name, mine.count()));
            }
            session.subscribedCount(mine.count());
            for (BackendSubscriber subscriber : subscribers) {
                waits.add(subscriber.send(pattern ? "PSUBSCRIBE" : "SUBSCRIBE", fresh));
            }
        }
        try {
            CompletableFuture.allOf(waits.toArray(CompletableFuture[]::new)).get(confirmMillis, TimeUnit.MILLISECONDS);
        }
        catch (TimeoutException | ExecutionException e) {
            log.warn("A backend did not confirm " + kind + " within " + confirmMillis + " ms");
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return confirmations;
    }

    /**
     * (P)UNSUBSCRIBE: the names given, or all of the client's (of that kind) if none; the backends
     * unsubscribed from those no client wants any more. One frame per name; a client with
     * nothing to unsubscribe gets one frame with a null name, as from Redis.
     */
    public List<RespValue> unsubscribe(ClientSession session, List<byte[]> names, boolean pattern) {
        String kind = pattern ? "punsubscribe" : "unsubscribe";
        List<RespValue> confirmations = new ArrayList<>();
        synchronized (lock) {
            Subscriptions mine = bySession.get(session.id());
            Set<ByteBuffer> own = mine == null ? Set.of() : pattern ? mine.patterns : mine.channels;
            List<byte[]> targets = new ArrayList<>();
            if (names.isEmpty()) {
                own.forEach(key -> targets.add(bytes(key)));
            }
            else {
                targets.addAll(names);
            }
            if (targets.isEmpty()) {
                confirmations.add(frame(kind, null, mine == null ? 0 : mine.count()));
            }
            List<byte[]> gone = new ArrayList<>();
            for (byte[] name : targets) {
                ByteBuffer key = ByteBuffer.wrap(name);
                if (mine != null && own.remove(key)) {
                    removeFromUnion(pattern ? patterns : channels, key, session, name, gone, pattern);
                }
                confirmations.add(frame(kind, name, mine == null ? 0 : mine.count()));
            }
            if (mine != null) {
                session.subscribedCount(mine.count());
            }
            for (BackendSubscriber subscriber : subscribers) {
                subscriber.send(pattern ? "PUNSUBSCRIBE" : "UNSUBSCRIBE", gone); // no need to wait
            }
        }
        return confirmations;
    }

    /** The client closed (or RESET): everything it was subscribed to is dropped. */
    public void unsubscribeAll(ClientSession session) {
        synchronized (lock) {
            Subscriptions mine = bySession.remove(session.id());
            session.subscribedCount(0);
            if (mine == null) {
                return;
            }
            List<byte[]> goneChannels = new ArrayList<>();
            List<byte[]> gonePatterns = new ArrayList<>();
            for (ByteBuffer key : mine.channels) {
                removeFromUnion(channels, key, session, bytes(key), goneChannels, false);
            }
            for (ByteBuffer key : mine.patterns) {
                removeFromUnion(patterns, key, session, bytes(key), gonePatterns, true);
            }
            for (BackendSubscriber subscriber : subscribers) {
                subscriber.send("UNSUBSCRIBE", goneChannels);
                subscriber.send("PUNSUBSCRIBE", gonePatterns);
            }
        }
    }

    private void removeFromUnion(Map<ByteBuffer, Set<ClientSession>> union, ByteBuffer key, ClientSession session,
                                 byte[] name, List<byte[]> gone, boolean pattern) {
        Set<ClientSession> subscribed = union.get(key);
        if (subscribed == null) {
            return;
        }
        subscribed.remove(session);
        if (subscribed.isEmpty()) {
            union.remove(key);
            if (pattern) {
                globs.remove(key);
            }
            gone.add(name);
        }
    }

    /** A backend subscriber (re)connected: it subscribes to the whole union, under the hub's lock. */
    void resubscribe(BackendSubscriber subscriber, Socket socket, RespOutput out) throws IOException {
        synchronized (lock) {
            List<byte[]> allChannels = new ArrayList<>();
            channels.keySet().forEach(key -> allChannels.add(bytes(key)));
            List<byte[]> allPatterns = new ArrayList<>();
            patterns.keySet().forEach(key -> allPatterns.add(bytes(key)));
            subscriber.attach(socket, out, allChannels, allPatterns);
        }
    }

    // ---- relaying ------------------------------------------------------------------------------

    void message(byte[] channel, byte[] payload) {
        if (channel == null || payload == null) {
            return;
        }
        Set<ClientSession> subscribed = channels.get(ByteBuffer.wrap(channel));
        if (subscribed == null) {
            return;
        }
        RespValue frame = new RespValue.Push(List.of(MESSAGE, Replies.bulk(channel), Replies.bulk(payload)));
        for (ClientSession session : subscribed) {
            session.push(frame);
        }
    }

    void pmessage(byte[] pattern, byte[] channel, byte[] payload) {
        if (pattern == null || channel == null || payload == null) {
            return;
        }
        Set<ClientSession> subscribed = patterns.get(ByteBuffer.wrap(pattern));
        if (subscribed == null) {
            return;
        }
        RespValue frame = new RespValue.Push(List.of(PMESSAGE, Replies.bulk(pattern), Replies.bulk(channel),
                Replies.bulk(payload)));
        for (ClientSession session : subscribed) {
            session.push(frame);
        }
    }

    // ---- counting ------------------------------------------------------------------------------

    /** Clients of the proxy that a message on {@code channel} reaches (channel and pattern subscribers). */
    public long localReceivers(byte[] channel) {
        Set<ClientSession> direct = channels.get(ByteBuffer.wrap(channel));
        long count = direct == null ? 0 : direct.size();
        for (Map.Entry<ByteBuffer, Glob> glob : globs.entrySet()) {
            if (glob.getValue().matches(channel)) {
                Set<ClientSession> subscribed = patterns.get(glob.getKey());
                count += subscribed == null ? 0 : subscribed.size();
            }
        }
        return count;
    }

    /** How many receivers a backend counts for the proxy itself on {@code channel}: its channel subscription and matching patterns. */
    public long proxyReceivers(byte[] channel) {
        long count = channels.containsKey(ByteBuffer.wrap(channel)) ? 1 : 0;
        for (Glob glob : globs.values()) {
            if (glob.matches(channel)) {
                count++;
            }
        }
        return count;
    }

    /** Clients of the proxy subscribed to {@code channel} itself (PUBSUB NUMSUB). */
    public long channelSubscribers(byte[] channel) {
        Set<ClientSession> direct = channels.get(ByteBuffer.wrap(channel));
        return direct == null ? 0 : direct.size();
    }

    /** True if the proxy is subscribed to {@code channel} on its backends. */
    public boolean proxySubscribed(byte[] channel) {
        return channels.containsKey(ByteBuffer.wrap(channel));
    }

    /** Distinct patterns the proxy's clients are subscribed to. */
    public int patternCount() {
        return patterns.size();
    }

    private static RespValue frame(String kind, byte[] name, int count) {
        return new RespValue.Push(List.of(Replies.bulk(kind), name == null ? Replies.NULL : Replies.bulk(name),
                Replies.integer(count)));
    }

    private static byte[] bytes(ByteBuffer key) {
        byte[] out = new byte[key.remaining()];
        key.duplicate().get(out);
        return out;
    }

}
