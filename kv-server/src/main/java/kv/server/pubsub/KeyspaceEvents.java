package kv.server.pubsub;

import java.nio.charset.StandardCharsets;

import kv.protocol.pubsub.PubSub;
import kv.server.config.PubSubProperties;
import org.springframework.stereotype.Component;

/**
 * Keyspace notifications, as Redis's {@code notify-keyspace-events} sends them: for each change
 * of a key, {@code __keyspace@<db>__:<key>} with the event's name as the message (flag {@code K})
 * and {@code __keyevent@<db>__:<event>} with the key as the message (flag {@code E}), if the
 * event's class is enabled ({@code g} generic, {@code $} string, {@code h} hash, {@code x}
 * expired, ...). Commands call {@link #notify} where they report a write; it costs one volatile
 * read while notifications are off (the default).
 *
 * <p>The class letters and their printing are Redis 7.0's ({@code keyspaceEventsStringToFlags}
 * and {@code keyspaceEventsFlagsToString}): {@code A} is {@code g$lshzxetd}; {@code m} (key miss)
 * and {@code n} (new key) are not in {@code A}. kv sends {@code g}, {@code $}, {@code h},
 * {@code x} and {@code n} ({@link #created}, told by the store of every key a write creates) but
 * no {@code m} events yet, and has no lists, sets, sorted sets, streams, modules or eviction, so
 * those classes never fire.
 */
@Component
public class KeyspaceEvents {

    public static final int KEYSPACE = 1;
    public static final int KEYEVENT = 1 << 1;
    public static final int GENERIC = 1 << 2;
    public static final int STRING = 1 << 3;
    public static final int LIST = 1 << 4;
    public static final int SET = 1 << 5;
    public static final int HASH = 1 << 6;
    public static final int ZSET = 1 << 7;
    public static final int EXPIRED = 1 << 8;
    public static final int EVICTED = 1 << 9;
    public static final int STREAM = 1 << 10;
    public static final int KEY_MISS = 1 << 11;
    public static final int MODULE = 1 << 12;
    public static final int NEW = 1 << 13;
    public static final int ALL = GENERIC | STRING | LIST | SET | HASH | ZSET | EXPIRED | EVICTED | STREAM | MODULE;

    /** Redis's CONFIG SET error for a letter it does not know. */
    public static final String INVALID = "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.";

    private final PubSub pubSub;
    private volatile int flags;
    /** A store key's prefix byte to its database's index (set by the databases' table; SWAPDB permutes it). */
    private volatile java.util.function.IntUnaryOperator databaseOfPrefix = prefix -> prefix;

    /** Events of the atomic unit running on this thread, published when it has committed. */
    private final ThreadLocal<java.util.List<Runnable>> deferred = new ThreadLocal<>();

    public KeyspaceEvents(PubSub pubSub, PubSubProperties properties) {
        this.pubSub = pubSub;
        int parsed = parse(properties.notifyKeyspaceEvents());
        if (parsed < 0) {
            throw new IllegalArgumentException("kv.server.notify-keyspace-events: '" + properties.notifyKeyspaceEvents()
                    + "': " + INVALID);
        }
        this.flags = parsed;
    }

    /**
     * Publishes the event {@code event} of class {@code type} ({@link #STRING}, {@link #GENERIC},
     * {@link #HASH}, ...) for {@code key} (the name the client gave, without kv's database
     * prefix) of database {@code db}, if that class is enabled. Call it once the change is
     * readable: a subscriber may read the key as soon as it is told.
     */
    public void notify(int type, String event, int db, byte[] key) {
        int enabled = flags;
        if ((enabled & type) == 0) {
            return;
        }
        java.util.List<Runnable> later = deferred.get();
        if (later != null) {
            later.add(() -> notify(type, event, db, key));
            return;
        }
        if ((enabled & KEYSPACE) != 0) {
            pubSub.publish(concat("__keyspace@" + db + "__:", key), ascii(event));
        }
        if ((enabled & KEYEVENT) != 0) {
            pubSub.publish(ascii("__keyevent@" + db + "__:" + event), key);
        }
    }

    /**
     * {@code expired} for keys the store deleted when their time came ({@code keys} as stored:
     * a database prefix byte, then the name), from the active cycle or a command's access.
     */
    public void expired(java.util.List<byte[]> keys) {
        if (!enabled(EXPIRED)) {
            return;
        }
        for (byte[] key : keys) {
            notify(EXPIRED, "expired", databaseOfPrefix.applyAsInt(key[0] & 0xFF),
                    java.util.Arrays.copyOfRange(key, 1, key.length));
        }
    }

    /**
     * {@code new} for a key a write created ({@code key} as stored), as Redis's {@code dbAdd}
     * sends it: before the command's own event. The store tells it (see {@code announceNewKeys}).
     */
    public void created(byte[] key) {
        if (!enabled(NEW)) {
            return;
        }
        notify(NEW, "new", databaseOfPrefix.applyAsInt(key[0] & 0xFF), java.util.Arrays.copyOfRange(key, 1, key.length));
    }

    /** How {@link #expired} finds a stored key's database from its prefix byte (0-255 to an index). */
    public void databaseOfPrefix(java.util.function.IntUnaryOperator lookup) {
        this.databaseOfPrefix = lookup;
    }

    /**
     * Runs {@code body} (an atomic unit: EXEC, a script) holding back its events, then publishes
     * them once its writes are readable; if {@code body} throws, nothing was written and nothing is
     * published. Nested calls publish at the outermost one's end.
     */
    public <T> T deferring(java.util.function.Supplier<T> body) {
        if (deferred.get() != null) {
            return body.get();
        }
        java.util.List<Runnable> later = new java.util.ArrayList<>();
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

    /** True if events of class {@code type} are published now (to skip work for them otherwise). */
    public boolean enabled(int type) {
        int enabled = flags;
        return (enabled & type) != 0 && (enabled & (KEYSPACE | KEYEVENT)) != 0;
    }

    /** {@code CONFIG SET notify-keyspace-events}: false if {@code classes} has a letter Redis does not know. */
    public boolean set(String classes) {
        int parsed = parse(classes);
        if (parsed < 0) {
            return false;
        }
        flags = parsed;
        return true;
    }

    /** True if every letter of {@code classes} is one Redis knows (CONFIG SET checks before it changes anything). */
    public static boolean valid(String classes) {
        return parse(classes) >= 0;
    }

    /** {@code CONFIG GET notify-keyspace-events}: the classes as Redis prints them. */
    public String classes() {
        return format(flags);
    }

    /** Redis's letters to flags; -1 for a letter it does not know. */
    static int parse(String classes) {
        int parsed = 0;
        for (char c : classes.toCharArray()) {
            parsed |= switch (c) {
                case 'A' -> ALL;
                case 'g' -> GENERIC;
                case '$' -> STRING;
                case 'l' -> LIST;
                case 's' -> SET;
                case 'h' -> HASH;
                case 'z' -> ZSET;
                case 'x' -> EXPIRED;
                case 'e' -> EVICTED;
                case 'K' -> KEYSPACE;
                case 'E' -> KEYEVENT;
                case 't' -> STREAM;
                case 'm' -> KEY_MISS;
                case 'd' -> MODULE;
                case 'n' -> NEW;
                default -> Integer.MIN_VALUE;
            };
        }
        return parsed < 0 ? -1 : parsed;
    }

    /** Flags to Redis's letters, in its order (and, as Redis 7.0 prints them, {@code n} only without {@code A}). */
    static String format(int flags) {
        StringBuilder letters = new StringBuilder();
        if ((flags & ALL) == ALL) {
            letters.append('A');
        }
        else {
            char[] order = {'g', '$', 'l', 's', 'h', 'z', 'x', 'e', 't', 'd', 'n'};
            int[] bits = {GENERIC, STRING, LIST, SET, HASH, ZSET, EXPIRED, EVICTED, STREAM, MODULE, NEW};
            for (int i = 0; i < bits.length; i++) {
                if ((flags & bits[i]) != 0) {
                    letters.append(order[i]);
                }
            }
        }
        if ((flags & KEYSPACE) != 0) {
            letters.append('K');
        }
        if ((flags & KEYEVENT) != 0) {
            letters.append('E');
        }
        if ((flags & KEY_MISS) != 0) {
            letters.append('m');
        }
        return letters.toString();
    }

    private static byte[] concat(String prefix, byte[] key) {
        byte[] head = ascii(prefix);
        byte[] channel = new byte[head.length + key.length];
        System.arraycopy(head, 0, channel, 0, head.length);
        System.arraycopy(key, 0, channel, head.length, key.length);
        return channel;
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
