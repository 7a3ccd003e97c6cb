package kv.protocol.pubsub;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import kv.protocol.ByteKey;
import kv.protocol.Glob;

/**
 * The channels and patterns of one service and who is subscribed to them: Redis's pub/sub
 * ({@code PUBLISH}, {@code PUBSUB CHANNELS|NUMSUB|NUMPAT}). Shared by kv-server and kv-proxy;
 * a service makes one and gives it to its {@code PubSubCommandGroup}; kv-proxy also calls
 * {@link #publish} with the messages it relays from its backends.
 *
 * <p>Design note: each client's own state is a {@link Subscriptions} (its channels and patterns,
 * under its own lock); this hub only maps names to those. A publisher looks the subscribers up
 * without a lock and hands each message to {@link Subscriptions#deliver}, which checks, under the
 * subscriber's lock, that the subscription is still there and queues the message on the
 * subscriber's connection without waiting for it. Because a subscriber changes its subscriptions
 * and queues their confirmations under that same lock, a message never overtakes the
 * {@code subscribe} confirmation of its channel and never follows the {@code unsubscribe} one.
 * Patterns are tried one by one against each published channel, as Redis does, with kv's
 * linear {@link Glob}.
 */
public final class PubSub {

    private final Map<ByteKey, Set<Subscriptions>> channels = new ConcurrentHashMap<>();
    private final Map<ByteKey, Pattern> patterns = new ConcurrentHashMap<>();

    private record Pattern(Glob glob, Set<Subscriptions> subscribers) {
    }

    /**
     * Sends {@code message} to every subscriber of {@code channel} and of every pattern
     * matching it, from any thread, without waiting for any subscriber.
     *
     * @return how many received it (a client subscribed to the channel and to a matching pattern counts twice), as PUBLISH answers
     */
    public long publish(byte[] channel, byte[] message) {
        long receivers = 0;
        Set<Subscriptions> direct = channels.get(new ByteKey(channel));
        if (direct != null && !direct.isEmpty()) {
            Message encoded = Message.of(channel, message);
            for (Subscriptions subscriber : direct) {
                if (subscriber.deliver(channel, encoded)) {
                    receivers++;
                }
            }
        }
        if (!patterns.isEmpty()) {
            for (Map.Entry<ByteKey, Pattern> entry : patterns.entrySet()) {
                Pattern pattern = entry.getValue();
                if (!pattern.glob().matches(channel)) {
                    continue;
                }
                Message encoded = Message.of(entry.getKey().bytes(), channel, message);
                for (Subscriptions subscriber : pattern.subscribers()) {
                    if (subscriber.deliverPattern(entry.getKey(), encoded)) {
                        receivers++;
                    }
                }
            }
        }
        return receivers;
    }

    /** {@code PUBSUB CHANNELS [pattern]}: the channels with at least one subscriber (matching the pattern, if given). */
    public List<byte[]> channels(byte[] pattern) {
        Glob glob = pattern == null ? null : Glob.of(pattern);
        List<byte[]> active = new ArrayList<>();
        for (Map.Entry<ByteKey, Set<Subscriptions>> entry : channels.entrySet()) {
            byte[] name = entry.getKey().bytes();
            if (!entry.getValue().isEmpty() && (glob == null || glob.matches(name))) {
                active.add(name);
            }
        }
        return active;
    }

    /** {@code PUBSUB NUMSUB}: the subscribers of {@code channel}, patterns not counted. */
    public long subscribers(byte[] channel) {
        Set<Subscriptions> subscribers = channels.get(new ByteKey(channel));
        return subscribers == null ? 0 : subscribers.size();
    }

    /** {@code PUBSUB NUMPAT}: the patterns with at least one subscriber (Redis 7 counts patterns, not subscriptions). */
    public long patterns() {
        return patterns.size();
    }

    /** True if anyone is subscribed to a channel or a pattern (a publisher may skip building a message otherwise). */
    public boolean hasSubscribers() {
        return !channels.isEmpty() || !patterns.isEmpty();
    }

    // ---- called by Subscriptions, under the subscriber's lock

    void add(ByteKey channel, Subscriptions subscriber) {
        channels.compute(channel, (name, set) -> {
            Set<Subscriptions> subscribers = set != null ? set : ConcurrentHashMap.newKeySet();
            subscribers.add(subscriber);
            return subscribers;
        });
    }

    void remove(ByteKey channel, Subscriptions subscriber) {
        channels.computeIfPresent(channel, (name, set) -> {
            set.remove(subscriber);
            return set.isEmpty() ? null : set;
        });
    }

    void addPattern(ByteKey pattern, Subscriptions subscriber) {
        patterns.compute(pattern, (name, existing) -> {
            Pattern entry = existing != null ? existing
                    : new Pattern(Glob.of(pattern.bytes()), ConcurrentHashMap.newKeySet());
            entry.subscribers().add(subscriber);
            return entry;
        });
    }

    void removePattern(ByteKey pattern, Subscriptions subscriber) {
        patterns.computeIfPresent(pattern, (name, entry) -> {
            entry.subscribers().remove(subscriber);
            return entry.subscribers().isEmpty() ? null : entry;
        });
    }
}
