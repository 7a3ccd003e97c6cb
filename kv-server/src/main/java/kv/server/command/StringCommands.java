package kv.server.command;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import kv.protocol.command.CommandGroup;
import kv.protocol.command.CommandHandler;
import kv.protocol.resp.Replies;
import kv.protocol.resp.RespValue;
import kv.protocol.resp.Request;
import kv.server.config.KvServerProperties;
import kv.server.pubsub.KeyspaceEvents;
import kv.server.store.DiskGuard;
import kv.server.store.KeyValueStore;
import kv.server.store.KeyValueStore.Entry;
import kv.server.store.WrongTypeException;
import kv.server.session.ClientSession;
import kv.server.tracking.InvalidationHub;
import org.springframework.stereotype.Component;

/**
 * Counters and string edits: INCR, DECR, INCRBY, DECRBY, INCRBYFLOAT, APPEND, STRLEN, GETRANGE,
 * SETRANGE, GETDEL, GETSET, SETNX, MSETNX, with Redis's replies and error texts. Each one that
 * writes reads and writes its keys as one step ({@link KeyValueStore#update}), so concurrent
 * INCRs from any number of clients and event loops never lose an increment; like every command
 * that is not group committed, it first applies its own connection's staged writes.
 */
@Component
public class StringCommands implements CommandGroup<ClientSession> {

    private static final String OVERFLOW = "ERR increment or decrement would overflow";
    private static final String NAN_OR_INFINITY = "ERR increment would produce NaN or Infinity";
    private static final String TOO_LONG = "ERR string exceeds maximum allowed size (proto-max-bulk-len)";
    /** Redis refuses to read a float from a longer string (MAX_LONG_DOUBLE_CHARS). */

    private final KeyValueStore store;
    private final InvalidationHub invalidations;
    private final DiskGuard disk;
    private final long maxBulk;

    private final Databases databases;

    private final KeyspaceEvents events;

    public StringCommands(KeyValueStore store, InvalidationHub invalidations, DiskGuard disk,
                          KvServerProperties properties, Databases databases, KeyspaceEvents events) {
        this.events = events;
        this.databases = databases;
        this.store = store;
        this.invalidations = invalidations;
        this.disk = disk;
        this.maxBulk = properties.limits().maxBulk().toBytes();
    }

    @Override
    public void register(Map<String, CommandHandler<ClientSession>> handlers) {
        handlers.put("incr", (request, session) -> incrBy(request, session, 1));
        handlers.put("decr", (request, session) -> incrBy(request, session, -1));
        handlers.put("incrby", this::incrby);
        handlers.put("decrby", this::decrby);
        handlers.put("incrbyfloat", this::incrbyfloat);
        handlers.put("append", this::append);
        handlers.put("strlen", this::strlen);
        handlers.put("getrange", this::getrange);
        handlers.put("setrange", this::setrange);
        handlers.put("getdel", this::getdel);
        handlers.put("getset", this::getset);
        handlers.put("setnx", this::setnx);
        handlers.put("msetnx", this::msetnx);
    }

    RespValue incrby(Request request, ClientSession session) {
        Long increment = Numbers.parseLong(request.arg(2));
        return increment == null ? Replies.error(Numbers.NOT_AN_INTEGER) : incrBy(request, session, increment);
    }

    RespValue decrby(Request request, ClientSession session) {
        Long decrement = Numbers.parseLong(request.arg(2));
        if (decrement == null) {
            return Replies.error(Numbers.NOT_AN_INTEGER);
        }
        if (decrement == Long.MIN_VALUE) {
            return Replies.error("ERR decrement would overflow");
        }
        return incrBy(request, session, -decrement);
    }

    /** Adds {@code increment} to the key's integer (0 if absent), keeping its expiry. */
    private RespValue incrBy(Request request, ClientSession session, long increment) {
        byte[] key = databases.key(session, request.arg(1));
        RespValue[] reply = new RespValue[1];
        List<Entry> written = store.update(List.of(key), current -> {
            Entry entry = current.get(0);
            long value = 0;
            if (entry != null) {
                Long stored = Numbers.parseLong(entry.value());
                if (stored == null) {
                    reply[0] = Replies.error(Numbers.NOT_AN_INTEGER);
                    return List.of();
                }
                value = stored;
            }
            if (increment < 0 && value < 0 && increment < Long.MIN_VALUE - value
                    || increment > 0 && value > 0 && increment > Long.MAX_VALUE - value) {
                reply[0] = Replies.error(OVERFLOW);
                return List.of();
            }
            value += increment;
            reply[0] = Replies.integer(value);
            return List.of(write(entry, key, ascii(Long.toString(value))));
        });
        return written(session, request, written, KeyspaceEvents.STRING, "incrby", reply[0]);
    }

    /**
     * {@code INCRBYFLOAT key increment}: the sum in C's long double, printed as Redis prints it
     * (see {@link LongDouble}: 17 decimals at most, no trailing zeros, never an exponent),
     * keeping the key's expiry.
     */
    RespValue incrbyfloat(Request request, ClientSession session) {
        LongDouble.Parsed increment = LongDouble.parse(request.arg(2));
        byte[] key = databases.key(session, request.arg(1));
        RespValue[] reply = new RespValue[1];
        List<Entry> written = store.update(List.of(key), current -> {
            Entry entry = current.get(0);
            if (entry != null && !entry.isString()) {
                throw WrongTypeException.INSTANCE; // before the increment is read, as in Redis
            }
            if (increment == null) {
                reply[0] = Replies.error(Numbers.NOT_A_FLOAT);
                return List.of();
            }
            // Redis reads the stored value first: a value it cannot read answers "not a valid float"
            // even when the increment is an infinity; an infinity on either side makes the sum one (or NaN).
            LongDouble.Parsed value = entry == null ? new LongDouble.Parsed(BigDecimal.ZERO, false)
                    : LongDouble.parse(entry.value());
            if (value == null) {
                reply[0] = Replies.error(Numbers.NOT_A_FLOAT);
                return List.of();
            }
            BigDecimal sum = value.infinite() || increment.infinite() ? null
                    : LongDouble.add(value.finite(), increment.finite());
            if (sum == null) {
                reply[0] = Replies.error(NAN_OR_INFINITY);
                return List.of();
            }
            byte[] text = ascii(LongDouble.format(sum));
            reply[0] = Replies.bulk(text);
            return List.of(write(entry, key, text));
        });
        return written(session, request, written, KeyspaceEvents.STRING, "incrbyfloat", reply[0]);
    }

    /** {@code APPEND key value}: the new length; keeps the key's expiry. */
    RespValue append(Request request, ClientSession session) {
        String diskFull = disk.refusal(request.arg(2).length);
        if (diskFull != null) {
            return Replies.error(diskFull);
        }
        byte[] key = databases.key(session, request.arg(1));
        byte[] suffix = request.arg(2);
        RespValue[] reply = new RespValue[1];
        List<Entry> written = store.update(List.of(key), current -> {
            Entry entry = current.get(0);
            byte[] value = entry == null ? new byte[0] : entry.value();
            if ((long) value.length + suffix.length > maxBulk) {
                reply[0] = Replies.error(TOO_LONG);
                return List.of();
            }
            byte[] joined = Arrays.copyOf(value, value.length + suffix.length);
            System.arraycopy(suffix, 0, joined, value.length, suffix.length);
            reply[0] = Replies.integer(joined.length);
            return List.of(write(entry, key, joined));
        });
        return written(session, request, written, KeyspaceEvents.STRING, "append", reply[0]);
    }

    RespValue strlen(Request request, ClientSession session) {
        Entry entry = store.get(databases.key(session, request.arg(1)));
        return Replies.integer(entry == null ? 0 : entry.value().length);
    }

    /** {@code GETRANGE key start end}: inclusive, negative indexes from the end, as Redis clamps them. */
    RespValue getrange(Request request, ClientSession session) {
        Long start = Numbers.parseLong(request.arg(2));
        Long end = Numbers.parseLong(request.arg(3));
        if (start == null || end == null) {
            return Replies.error(Numbers.NOT_AN_INTEGER);
        }
        Entry entry = store.get(databases.key(session, request.arg(1)));
        byte[] value = entry == null ? new byte[0] : entry.value();
        long length = value.length;
        long from = start;
        long to = end;
        if (from < 0 && to < 0 && from > to) {
            return Replies.bulk(new byte[0]);
        }
        if (from < 0) {
            from = Math.max(0, length + from);
        }
        if (to < 0) {
            to = Math.max(0, length + to);
        }
        if (to >= length) {
            to = length - 1;
        }
        if (from > to || length == 0) {
            return Replies.bulk(new byte[0]);
        }
        return Replies.bulk(Arrays.copyOfRange(value, (int) from, (int) to + 1));
    }

    /** {@code SETRANGE key offset value}: overwrites from offset (zero-padding), the new length. */
    RespValue setrange(Request request, ClientSession session) {
        Long parsed = Numbers.parseLong(request.arg(2));
        if (parsed == null) {
            return Replies.error(Numbers.NOT_AN_INTEGER);
        }
        long offset = parsed;
        if (offset < 0) {
            return Replies.error("ERR offset is out of range");
        }
        byte[] patch = request.arg(3);
        String diskFull = disk.refusal(patch.length);
        if (diskFull != null) {
            return Replies.error(diskFull);
        }
        byte[] key = databases.key(session, request.arg(1));
        RespValue[] reply = new RespValue[1];
        List<Entry> written = store.update(List.of(key), current -> {
            Entry entry = current.get(0);
            byte[] value = entry == null ? new byte[0] : entry.value();
            if (patch.length == 0) {
                reply[0] = Replies.integer(value.length);
                return List.of();
            }
            if (offset + patch.length > maxBulk) {
                reply[0] = Replies.error(TOO_LONG);
                return List.of();
            }
            byte[] result = Arrays.copyOf(value, (int) Math.max(value.length, offset + patch.length));
            System.arraycopy(patch, 0, result, (int) offset, patch.length);
            reply[0] = Replies.integer(result.length);
            return List.of(write(entry, key, result));
        });
        return written(session, request, written, KeyspaceEvents.STRING, "setrange", reply[0]);
    }

    /** {@code GETDEL key}: the value, and the key deleted. */
    RespValue getdel(Request request, ClientSession session) {
        byte[] key = databases.key(session, request.arg(1));
        RespValue[] reply = {Replies.NULL};
        List<Entry> written = store.update(List.of(key), current -> {
            Entry entry = current.get(0);
            if (entry == null) {
                return List.of();
            }
            reply[0] = Replies.bulk(entry.value());
            return List.of(Entry.deletion(key));
        });
        return written(session, request, written, KeyspaceEvents.GENERIC, "del", reply[0]);
    }

    /** {@code GETSET key value}: the old value; the new one has no expiry. */
    RespValue getset(Request request, ClientSession session) {
        String diskFull = disk.refusal(request.arg(2).length);
        if (diskFull != null) {
            return Replies.error(diskFull);
        }
        byte[] key = databases.key(session, request.arg(1));
        RespValue[] reply = new RespValue[1];
        List<Entry> written = store.update(List.of(key), current -> {
            Entry entry = current.get(0);
            reply[0] = Replies.bulk(entry == null ? null : entry.value());
            return List.of(new Entry(key, request.arg(2)));
        });
        return written(session, request, written, KeyspaceEvents.STRING, "set", reply[0]);
    }

    /** {@code SETNX key value}: 1 if written (the key was absent), else 0. */
    RespValue setnx(Request request, ClientSession session) {
        String diskFull = disk.refusal(request.arg(2).length);
        if (diskFull != null) {
            return Replies.error(diskFull);
        }
        byte[] key = databases.key(session, request.arg(1));
        List<Entry> written = store.update(List.of(key),
                current -> current.get(0) != null ? List.of() : List.of(new Entry(key, request.arg(2))));
        return written(session, request, written, KeyspaceEvents.STRING, "set", written.isEmpty() ? Replies.ZERO : Replies.ONE);
    }

    /** {@code MSETNX key value [key value ...]}: all written (1) if none of the keys exists, else none (0). */
    RespValue msetnx(Request request, ClientSession session) {
        if (request.size() % 2 != 1) {
            return Replies.wrongArity(request.name());
        }
        long bytes = 0;
        for (int i = 1; i < request.size(); i++) {
            bytes += request.arg(i).length;
        }
        String diskFull = disk.refusal(bytes);
        if (diskFull != null) {
            return Replies.error(diskFull);
        }
        List<byte[]> keys = databases.keys(session, request, 1, 2);
        List<Entry> written = store.update(keys, current -> {
            if (current.stream().anyMatch(entry -> entry != null)) {
                return List.of();
            }
            List<Entry> writes = new ArrayList<>(keys.size());
            for (int i = 0; i < keys.size(); i++) {
                writes.add(new Entry(keys.get(i), request.arg(2 + 2 * i)));
            }
            return writes;
        });
        if (!written.isEmpty()) {
            List<byte[]> names = new ArrayList<>();
            for (int i = 1; i < request.size(); i += 2) {
                names.add(request.arg(i));
            }
            invalidations.written(session, names);
            names.forEach(name -> events.notify(KeyspaceEvents.STRING, "set", session.db(), name));
        }
        return written.isEmpty() ? Replies.ZERO : Replies.ONE;
    }

    /** The new value of {@code key}, keeping the expiry {@code entry} had (if any). */
    private static Entry write(Entry entry, byte[] key, byte[] value) {
        return entry == null ? new Entry(key, value) : entry.withValue(value);
    }

    private RespValue written(ClientSession session, Request request, List<Entry> written, int type, String event,
                              RespValue reply) {
        if (!written.isEmpty()) {
            invalidations.written(session, List.of(request.arg(1)));
            events.notify(type, event, session.db(), request.arg(1));
        }
        return reply;
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
