package kv.protocol.pubsub;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.IntSupplier;

import kv.protocol.ByteKey;
import kv.protocol.resp.Replies;
import kv.protocol.resp.RespValue;

/**
 * One client's channels and patterns, and where its messages go (its connection's
 * {@link PushTarget}). Every client has one, empty until it subscribes; the connection empties
 * it when it closes, RESET when it runs.
 *
 * <p>Design note: the (un)subscribe confirmations are the command's reply (one push per name,
 * a {@link RespValue.Sequence}), written in order with the replies of the client's other
 * commands. A message must not overtake the confirmation of its subscription, yet another thread
 * may publish as soon as the subscription is registered, before that reply is written. So a
 * subscription starts <em>held</em>: what is delivered meanwhile waits here, and the connection
 * {@link #release releases} it once it has written the reply that carries the confirmation.
 * An unsubscription drops what is held for its names, and what was queued before it leaves
 * before its reply, so no message follows its {@code unsubscribe} confirmation (a RESP2 client
 * that left subscriber mode would take one for the reply to its next command). Every change,
 * delivery and release takes this object's lock (see {@link PubSub}).
 */
public final class Subscriptions {

    private final IntSupplier protocol;
    private final Set<ByteKey> channels = new LinkedHashSet<>();
    private final Set<ByteKey> patterns = new LinkedHashSet<>();
    /** Deliveries waiting for a confirmation's reply to be written; null when none is pending. */
    private volatile List<Held> held;
    private volatile PushTarget target = PushTarget.NONE;
    private volatile int count;
    private PubSub hub;

    private record Held(ByteKey name, boolean pattern, byte[] encoded) {
    }

    /** @param protocol the RESP version the client speaks now (messages are encoded for it) */
    public Subscriptions(IntSupplier protocol) {
        this.protocol = protocol;
    }

    /** Set by the connection that carries the client. */
    public void target(PushTarget target) {
        this.target = target;
    }

    /** Channels and patterns subscribed to, as the confirmations count them. */
    public int count() {
        return count;
    }

    /** True while subscribed to anything: in RESP2, the client is in subscriber mode. */
    public boolean active() {
        return count > 0;
    }

    public synchronized int channelCount() {
        return channels.size();
    }

    public synchronized int patternCount() {
        return patterns.size();
    }

    /**
     * {@code SUBSCRIBE}: the reply, one confirmation per name, in order, a name already
     * subscribed too. Messages to the new channels are held until {@link #release}.
     */
    public synchronized RespValue subscribe(PubSub pubSub, List<byte[]> names) {
        use(pubSub);
        List<RespValue> confirmations = new ArrayList<>(names.size());
        for (byte[] name : names) {
            ByteKey channel = new ByteKey(name.clone());
            if (channels.add(channel)) {
                count++;
                hold();
                hub.add(channel, this);
            }
            confirmations.add(confirmation(SUBSCRIBE, channel.bytes()));
        }
        return new RespValue.Sequence(confirmations);
    }

    /** {@code PSUBSCRIBE}, as {@link #subscribe}. */
    public synchronized RespValue psubscribe(PubSub pubSub, List<byte[]> names) {
        use(pubSub);
        List<RespValue> confirmations = new ArrayList<>(names.size());
        for (byte[] name : names) {
            ByteKey pattern = new ByteKey(name.clone());
            if (patterns.add(pattern)) {
                count++;
                hold();
                hub.addPattern(pattern, this);
            }
            confirmations.add(confirmation(PSUBSCRIBE, pattern.bytes()));
        }
        return new RespValue.Sequence(confirmations);
    }

    /**
     * {@code UNSUBSCRIBE [channel ...]}: one confirmation per name (subscribed or not); without
     * names, one per channel subscribed, or a single {@code unsubscribe nil 0} if there are none.
     */
    public synchronized RespValue unsubscribe(List<byte[]> names) {
        return leave(channels, names, UNSUBSCRIBE, false);
    }

    /** {@code PUNSUBSCRIBE [pattern ...]}, as {@link #unsubscribe}. */
    public synchronized RespValue punsubscribe(List<byte[]> names) {
        return leave(patterns, names, PUNSUBSCRIBE, true);
    }

    private RespValue leave(Set<ByteKey> subscribed, List<byte[]> names, RespValue kind, boolean pattern) {
        List<ByteKey> leaving = new ArrayList<>();
        if (names.isEmpty()) {
            leaving.addAll(subscribed);
            if (leaving.isEmpty()) {
                return new RespValue.Sequence(List.of(confirmation(kind, null)));
            }
        }
        else {
            for (byte[] name : names) {
                leaving.add(new ByteKey(name));
            }
        }
        List<RespValue> confirmations = new ArrayList<>(leaving.size());
        for (ByteKey name : leaving) {
            if (subscribed.remove(name)) {
                count--;
                if (pattern) {
                    hub.removePattern(name, this);
                }
                else {
                    hub.remove(name, this);
                }
                if (held != null) {
                    held.removeIf(entry -> entry.pattern() == pattern && name.equals(entry.name()));
                }
            }
            confirmations.add(confirmation(kind, name.bytes()));
        }
        return new RespValue.Sequence(confirmations);
    }

    /** Drops every subscription, and what is held, without confirmations (RESET, the connection closed). */
    public synchronized void clear() {
        for (ByteKey channel : channels) {
            hub.remove(channel, this);
        }
        for (ByteKey pattern : patterns) {
            hub.removePattern(pattern, this);
        }
        channels.clear();
        patterns.clear();
        held = null;
        count = 0;
    }

    /**
     * The connection has written the replies of the commands run so far: the messages held
     * since their subscriptions' confirmations go to it now, in order. Cheap when nothing is held.
     */
    public void release() {
        if (held == null) { // unsynchronized peek: a hold is only ever set by the thread calling this
            return;
        }
        synchronized (this) {
            List<Held> waiting = held;
            held = null;
            if (waiting != null) {
                for (Held entry : waiting) {
                    target.offer(entry.encoded());
                }
            }
        }
    }

    /** The channels subscribed to (ACL SETUSER closes a subscriber whose user loses one). */
    public synchronized List<byte[]> channelNames() {
        List<byte[]> names = new ArrayList<>();
        channels.forEach(channel -> names.add(channel.bytes()));
        return names;
    }

    /** The patterns subscribed to. */
    public synchronized List<byte[]> patternNames() {
        List<byte[]> names = new ArrayList<>();
        patterns.forEach(pattern -> names.add(pattern.bytes()));
        return names;
    }

    /** The names subscribed to, channels first, for tests. */
    public synchronized List<byte[]> names() {
        List<byte[]> names = new ArrayList<>();
        channels.forEach(channel -> names.add(channel.bytes()));
        patterns.forEach(pattern -> names.add(pattern.bytes()));
        return names;
    }

    /**
     * Sends {@code message} to this client if it is subscribed to {@code channel} (checked
     * under the lock its changes take). True if it was subscribed: it counts as a receiver even
     * if its connection dropped the message for being over its output limit, as in Redis.
     */
    boolean deliver(byte[] channel, Message message) {
        ByteKey name = new ByteKey(channel);
        synchronized (this) {
            if (!channels.contains(name)) {
                return false;
            }
            send(name, false, message);
            return true;
        }
    }

    boolean deliverPattern(ByteKey pattern, Message message) {
        synchronized (this) {
            if (!patterns.contains(pattern)) {
                return false;
            }
            send(pattern, true, message);
            return true;
        }
    }

    /**
     * Sends {@code message} to this client whatever it is subscribed to, if it is subscribed to
     * anything: how tracking's REDIRECT sends {@code __redis__:invalidate} messages (Redis checks
     * only that the client is in pub/sub mode). False if it is not subscribed.
     */
    public boolean deliverDirect(Message message) {
        synchronized (this) {
            if (count == 0) {
                return false;
            }
            send(null, false, message);
            return true;
        }
    }

    private void send(ByteKey name, boolean pattern, Message message) {
        byte[] encoded = message.encoded(protocol.getAsInt());
        if (held != null) {
            held.add(new Held(name, pattern, encoded));
        }
        else {
            target.offer(encoded);
        }
    }

    private void hold() {
        if (held == null) {
            held = new ArrayList<>();
        }
    }

    private void use(PubSub pubSub) {
        if (hub == null) {
            hub = pubSub;
        }
        else if (hub != pubSub) {
            throw new IllegalStateException("a client subscribes through one PubSub only");
        }
    }

    private RespValue confirmation(RespValue kind, byte[] name) {
        return new RespValue.Push(List.of(kind, Replies.bulk(name), Replies.integer(count)));
    }

    private static final RespValue SUBSCRIBE = Replies.bulk("subscribe");
    private static final RespValue PSUBSCRIBE = Replies.bulk("psubscribe");
    private static final RespValue UNSUBSCRIBE = Replies.bulk("unsubscribe");
    private static final RespValue PUNSUBSCRIBE = Replies.bulk("punsubscribe");
}
