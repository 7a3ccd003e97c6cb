package kv.server.command;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import kv.protocol.ByteKey;
import kv.protocol.Glob;
import kv.protocol.command.CommandGroup;
import kv.protocol.command.CommandHandler;
import kv.protocol.resp.Replies;
import kv.protocol.resp.RespValue;
import kv.protocol.resp.Request;
import kv.server.pubsub.KeyspaceEvents;
import kv.server.session.ClientSession;
import kv.server.store.DiskGuard;
import kv.server.store.HashMeta;
import kv.server.store.KeyValueStore;
import kv.server.store.KeyValueStore.Entry;
import kv.server.store.KeyValueStore.Field;
import kv.server.store.WrongTypeException;
import kv.server.tracking.InvalidationHub;
import org.springframework.stereotype.Component;

/**
 * The hash commands: HSET, HSETNX, HMSET, HGET, HMGET, HEXISTS, HSTRLEN, HLEN, HDEL, HINCRBY,
 * HINCRBYFLOAT, HGETALL, HKEYS, HVALS, HRANDFIELD, HSCAN, with Redis 7.0's replies and errors.
 * A hash is stored one RocksDB key per field (see {@code HashStorage}): a command on some fields
 * reads and writes those fields and the hash's metadata only, and each write is one atomic step
 * ({@link KeyValueStore#hashUpdate}). None is group committed: each reply depends on what the
 * fields held. On a key holding a string each answers {@code -WRONGTYPE}.
 *
 * <p>Fields come back in their byte order (the order RocksDB keeps them in), where Redis answers
 * a small hash in insertion order and a large one in its hash table's order; as with Kvrocks,
 * a client gets the same set of pairs in another order.
 */
@Component
public class HashCommands implements CommandGroup<ClientSession> {

    private static final String NOT_AN_INTEGER = "ERR hash value is not an integer";
    private static final String NOT_A_FLOAT = "ERR hash value is not a float";
    private static final String OVERFLOW = "ERR increment or decrement would overflow";
    /** HSCAN positions remembered, oldest forgotten first (a forgotten cursor starts again). */
    static final int MAX_CURSORS = 100_000;
    /** Below this many fields HRANDFIELD reads the whole hash and picks uniformly. */
    private static final int READ_ALL_BELOW = 1024;

    private final KeyValueStore store;
    private final InvalidationHub invalidations;
    private final DiskGuard disk;
    private final Databases databases;
    private final KeyspaceEvents events;
    private final Map<Long, ScanPosition> cursors = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, ScanPosition> eldest) {
            return size() > MAX_CURSORS;
        }
    };
    private long nextCursor = ThreadLocalRandom.current().nextLong(1, 1L << 40);

    private record ScanPosition(byte[] key, byte[] lastField) {
    }

    public HashCommands(KeyValueStore store, InvalidationHub invalidations, DiskGuard disk, Databases databases,
                        KeyspaceEvents events) {
        this.store = store;
        this.invalidations = invalidations;
        this.disk = disk;
        this.databases = databases;
        this.events = events;
    }

    @Override
    public void register(Map<String, CommandHandler<ClientSession>> handlers) {
        handlers.put("hset", (request, session) -> hset(request, session, false));
        handlers.put("hmset", (request, session) -> hset(request, session, true));
        handlers.put("hsetnx", this::hsetnx);
        handlers.put("hget", this::hget);
        handlers.put("hmget", this::hmget);
        handlers.put("hexists", this::hexists);
        handlers.put("hstrlen", this::hstrlen);
        handlers.put("hlen", this::hlen);
        handlers.put("hdel", this::hdel);
        handlers.put("hincrby", this::hincrby);
        handlers.put("hincrbyfloat", this::hincrbyfloat);
        handlers.put("hgetall", (request, session) -> all(request, session, true, true));
        handlers.put("hkeys", (request, session) -> all(request, session, true, false));
        handlers.put("hvals", (request, session) -> all(request, session, false, true));
        handlers.put("hrandfield", this::hrandfield);
        handlers.put("hscan", this::hscan);
    }

    /** {@code HSET key field value [field value ...]}: how many fields were new; HMSET answers OK. */
    RespValue hset(Request request, ClientSession session, boolean hmset) {
        if (request.size() % 2 == 1) {
            return Replies.wrongArity(request.name());
        }
        String diskFull = disk.refusal(bytesOf(request));
        if (diskFull != null) {
            return Replies.error(diskFull);
        }
        List<byte[]> fields = new ArrayList<>(request.size() / 2);
        for (int i = 2; i < request.size(); i += 2) {
            fields.add(request.arg(i));
        }
        long[] created = {0};
        hashWrite(request, session, "hset", fields, current -> {
            Set<ByteKey> seen = new HashSet<>();
            List<Field> writes = new ArrayList<>(fields.size());
            for (int i = 0; i < fields.size(); i++) {
                if (current.get(i) == null && seen.add(new ByteKey(fields.get(i)))) {
                    created[0]++;
                }
                writes.add(new Field(fields.get(i), request.arg(3 + 2 * i)));
            }
            return writes;
        });
        return hmset ? Replies.OK : Replies.integer(created[0]);
    }

    /** {@code HSETNX key field value}: 1 if the field was absent and is now set, else 0. */
    RespValue hsetnx(Request request, ClientSession session) {
        String diskFull = disk.refusal(bytesOf(request));
        if (diskFull != null) {
            return Replies.error(diskFull);
        }
        List<Field> written = hashWrite(request, session, "hset", List.of(request.arg(2)), current -> current.get(0) != null
                ? List.of() : List.of(new Field(request.arg(2), request.arg(3))));
        return written.isEmpty() ? Replies.ZERO : Replies.ONE;
    }

    RespValue hget(Request request, ClientSession session) {
        return Replies.bulk(store.hashGet(key(request, session), List.of(request.arg(2))).get(0));
    }

    /** {@code HMGET key field...}: the values, nil for each absent field (all nil for an absent key). */
    RespValue hmget(Request request, ClientSession session) {
        List<byte[]> names = new ArrayList<>(request.size() - 2);
        for (int i = 2; i < request.size(); i++) {
            names.add(request.arg(i));
        }
        List<RespValue> reply = new ArrayList<>(names.size());
        store.hashGet(key(request, session), names).forEach(value -> reply.add(Replies.bulk(value)));
        return new RespValue.Array(reply);
    }

    RespValue hexists(Request request, ClientSession session) {
        return store.hashGet(key(request, session), List.of(request.arg(2))).get(0) == null ? Replies.ZERO : Replies.ONE;
    }

    RespValue hstrlen(Request request, ClientSession session) {
        byte[] value = store.hashGet(key(request, session), List.of(request.arg(2))).get(0);
        return Replies.integer(value == null ? 0 : value.length);
    }

    /** {@code HLEN key}: the number of fields, from the metadata (O(1)). */
    RespValue hlen(Request request, ClientSession session) {
        Entry entry = store.get(key(request, session));
        if (entry == null) {
            return Replies.ZERO;
        }
        if (!entry.isHash()) {
            return Replies.error(WrongTypeException.MESSAGE);
        }
        return Replies.integer(HashMeta.of(entry).length());
    }

    /** {@code HDEL key field...}: how many of the fields existed (and are gone); the last one deletes the key. */
    RespValue hdel(Request request, ClientSession session) {
        List<byte[]> fields = new ArrayList<>(request.size() - 2);
        for (int i = 2; i < request.size(); i++) {
            fields.add(request.arg(i));
        }
        long[] deleted = {0};
        hashWrite(request, session, "hdel", fields, current -> {
            Set<ByteKey> seen = new HashSet<>();
            List<Field> writes = new ArrayList<>();
            for (int i = 0; i < fields.size(); i++) {
                if (current.get(i) != null && seen.add(new ByteKey(fields.get(i)))) {
                    deleted[0]++;
                    writes.add(new Field(fields.get(i), null));
                }
            }
            return writes;
        });
        return Replies.integer(deleted[0]);
    }

    /** {@code HINCRBY key field increment}: the new value; the field (and hash) is created at 0. */
    RespValue hincrby(Request request, ClientSession session) {
        Long increment = Numbers.parseLong(request.arg(3));
        if (increment == null) {
            return Replies.error(Numbers.NOT_AN_INTEGER);
        }
        long by = increment;
        RespValue[] reply = new RespValue[1];
        hashWrite(request, session, "hincrby", List.of(request.arg(2)), current -> {
            long value = 0;
            if (current.get(0) != null) {
                Long stored = Numbers.parseLong(current.get(0));
                if (stored == null) {
                    reply[0] = Replies.error(NOT_AN_INTEGER);
                    return List.of();
                }
                value = stored;
            }
            if (by < 0 && value < 0 && by < Long.MIN_VALUE - value || by > 0 && value > 0 && by > Long.MAX_VALUE - value) {
                reply[0] = Replies.error(OVERFLOW);
                return List.of();
            }
            value += by;
            reply[0] = Replies.integer(value);
            return List.of(new Field(request.arg(2), ascii(Long.toString(value))));
        });
        return reply[0];
    }

    /**
     * {@code HINCRBYFLOAT key field increment}: the sum in C's long double, printed as
     * INCRBYFLOAT prints it ({@link LongDouble}). Redis refuses an infinite increment before
     * reading the hash ({@code ERR value is NaN or Infinity}), and a sum that overflows after.
     */
    RespValue hincrbyfloat(Request request, ClientSession session) {
        LongDouble.Parsed increment = LongDouble.parse(request.arg(3));
        if (increment == null) {
            return Replies.error(Numbers.NOT_A_FLOAT);
        }
        if (increment.infinite()) {
            return Replies.error("ERR value is NaN or Infinity");
        }
        RespValue[] reply = new RespValue[1];
        hashWrite(request, session, "hincrbyfloat", List.of(request.arg(2)), current -> {
            LongDouble.Parsed value = current.get(0) == null ? new LongDouble.Parsed(BigDecimal.ZERO, false)
                    : LongDouble.parse(current.get(0));
            if (value == null) {
                reply[0] = Replies.error(NOT_A_FLOAT);
                return List.of();
            }
            BigDecimal sum = value.infinite() ? null : LongDouble.add(value.finite(), increment.finite());
            if (sum == null) {
                reply[0] = Replies.error("ERR increment would produce NaN or Infinity");
                return List.of();
            }
            byte[] text = ascii(LongDouble.format(sum));
            reply[0] = Replies.bulk(text);
            return List.of(new Field(request.arg(2), text));
        });
        return reply[0];
    }

    /** HGETALL (a map in RESP3), HKEYS, HVALS: every field of the hash, in field order. */
    RespValue all(Request request, ClientSession session, boolean names, boolean values) {
        List<Field> fields = store.hashFields(key(request, session), new byte[0], Integer.MAX_VALUE);
        List<RespValue> reply = new ArrayList<>(names && values ? 2 * fields.size() : fields.size());
        for (Field field : fields) {
            if (names) {
                reply.add(Replies.bulk(field.name()));
            }
            if (values) {
                reply.add(Replies.bulk(field.value()));
            }
        }
        return names && values ? new RespValue.Map(reply) : new RespValue.Array(reply);
    }

    /**
     * {@code HRANDFIELD key [count [WITHVALUES]]}, Redis 7.0's semantics: without count one field
     * (nil if absent); a positive count, that many distinct fields (the whole hash if it has no
     * more); a negative one, exactly -count fields that may repeat. WITHVALUES pairs each with
     * its value (nested pairs in RESP3). A hash below {@link #READ_ALL_BELOW} fields is read
     * whole and picked from uniformly; a larger one by seeking random points of its field space
     * ({@code FieldSpace}: a field after a long gap in the order is picked more often), so a
     * pick costs one seek.
     */
    RespValue hrandfield(Request request, ClientSession session) {
        byte[] key = key(request, session);
        if (request.size() == 2) {
            List<Field> picked = pick(key, 1, true);
            return Replies.bulk(picked.isEmpty() ? null : picked.get(0).name());
        }
        Long parsed = Numbers.parseLong(request.arg(2));
        if (parsed == null) {
            return Replies.error(Numbers.NOT_AN_INTEGER);
        }
        if (parsed == Long.MIN_VALUE) {
            return Replies.error("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807");
        }
        boolean withValues = false;
        if (request.size() > 4 || request.size() == 4 && !request.argIs(3, "withvalues")) {
            return Replies.SYNTAX_ERROR;
        }
        if (request.size() == 4) {
            withValues = true;
            if (parsed < -Long.MAX_VALUE / 2 || parsed > Long.MAX_VALUE / 2) {
                return Replies.error("ERR value is out of range");
            }
        }
        long count = Math.abs(parsed);
        List<Field> picked = pick(key, count, parsed > 0); // WRONGTYPE before a count of 0, as in Redis
        List<RespValue> reply = new ArrayList<>();
        boolean nested = withValues && session.protocol() == 3;
        for (Field field : picked) {
            if (nested) {
                reply.add(new RespValue.Array(List.of(Replies.bulk(field.name()), Replies.bulk(field.value()))));
            }
            else {
                reply.add(Replies.bulk(field.name()));
                if (withValues) {
                    reply.add(Replies.bulk(field.value()));
                }
            }
        }
        return new RespValue.Array(reply);
    }

    /** {@code count} random fields of the hash at {@code key} ({@code distinct}: no field twice). */
    private List<Field> pick(byte[] key, long count, boolean distinct) {
        Entry entry = store.get(key);
        if (entry == null) {
            return List.of();
        }
        if (!entry.isHash()) {
            throw WrongTypeException.INSTANCE;
        }
        long length = HashMeta.of(entry).length();
        if (count == 0) {
            return List.of();
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        if (distinct && count >= length) {
            return store.hashFields(key, new byte[0], Integer.MAX_VALUE);
        }
        if (length < READ_ALL_BELOW || distinct && count * 2 > length) {
            List<Field> all = new ArrayList<>(store.hashFields(key, new byte[0], Integer.MAX_VALUE));
            if (all.isEmpty()) {
                return List.of();
            }
            List<Field> picked = new ArrayList<>((int) Math.min(count, 1 << 20));
            if (distinct) { // a partial Fisher-Yates shuffle: the first count are a uniform sample
                for (int i = 0; i < count; i++) {
                    java.util.Collections.swap(all, i, i + random.nextInt(all.size() - i));
                    picked.add(all.get(i));
                }
                return picked;
            }
            for (long i = 0; i < count; i++) {
                picked.add(all.get(random.nextInt(all.size())));
            }
            return picked;
        }
        List<Field> sample = new ArrayList<>(store.hashFields(key, new byte[0], SAMPLE));
        Field last = store.hashLastField(key);
        if (sample.isEmpty() || last == null) {
            return List.of(); // deleted meanwhile
        }
        sample.add(last);
        FieldSpace space = FieldSpace.of(sample);
        List<Field> picked = new ArrayList<>((int) Math.min(count, 1 << 20));
        Set<ByteKey> seen = new HashSet<>();
        while (picked.size() < count) {
            Field field = randomField(key, space, random);
            if (field == null) {
                break; // deleted meanwhile
            }
            if (!distinct || seen.add(new ByteKey(field.name()))) {
                picked.add(field);
            }
        }
        return picked;
    }

    /** Fields read to learn the shape of a large hash's field names (see {@link FieldSpace}). */
    private static final int SAMPLE = 64;

    /**
     * Where a large hash's field names lie: the prefix its first and last fields share, and the
     * bytes (and lengths) names have after it, learnt from its first fields and its last. Random
     * points drawn from it fall between names (f0 ... f99999: digits after "f"), not in the gaps
     * of the whole byte range, where every point would land on the same few names.
     */
    private record FieldSpace(byte[] prefix, int low, int high, byte[] alphabet, int longest) {

        static FieldSpace of(List<Field> sample) {
            byte[] first = sample.get(0).name();
            byte[] last = sample.get(sample.size() - 1).name();
            int common = Arrays.mismatch(first, last);
            if (common < 0) {
                common = first.length; // one field
            }
            boolean[] seen = new boolean[256];
            int longest = 0;
            for (Field field : sample) {
                byte[] name = field.name();
                longest = Math.max(longest, name.length);
                for (int i = common; i < name.length; i++) {
                    seen[name[i] & 0xFF] = true;
                }
            }
            byte[] alphabet = new byte[256];
            int size = 0;
            for (int b = 0; b < 256; b++) {
                if (seen[b]) {
                    alphabet[size++] = (byte) b;
                }
            }
            int low = common < first.length ? first[common] & 0xFF : 0;
            int high = common < last.length ? last[common] & 0xFF : 0xFF;
            return new FieldSpace(Arrays.copyOf(last, common), low, high, Arrays.copyOf(alphabet, size), longest);
        }

        byte[] randomPoint(ThreadLocalRandom random) {
            // Longer names are the more numerous (alphabet^length of them): a shorter point only
            // now and then, so that short names are picked about as often as there are of them.
            int tail = Math.max(0, longest - prefix.length - 1);
            while (tail > 0 && random.nextInt(Math.max(2, alphabet.length)) == 0) {
                tail--;
            }
            byte[] point = Arrays.copyOf(prefix, prefix.length + 1 + tail);
            point[prefix.length] = pick(random, low, high);
            for (int i = prefix.length + 1; i < point.length; i++) {
                point[i] = pick(random, 0, 0xFF);
            }
            return point;
        }

        /** A byte of the alphabet within [low, high], else any byte there. */
        private byte pick(ThreadLocalRandom random, int from, int to) {
            int lower = 0;
            while (lower < alphabet.length && (alphabet[lower] & 0xFF) < from) {
                lower++;
            }
            int upper = lower;
            while (upper < alphabet.length && (alphabet[upper] & 0xFF) <= to) {
                upper++;
            }
            return upper > lower ? alphabet[random.nextInt(lower, upper)] : (byte) random.nextInt(from, to + 1);
        }
    }

    /** The first field at or after a random point of the hash's field space, wrapping round to the first. */
    private Field randomField(byte[] key, FieldSpace space, ThreadLocalRandom random) {
        byte[] point = space.randomPoint(random);
        List<Field> found = store.hashFields(key, point, 1);
        if (found.isEmpty()) {
            found = store.hashFields(key, new byte[0], 1);
        }
        return found.isEmpty() ? null : found.get(0);
    }

    /**
     * {@code HSCAN key cursor [MATCH pattern] [COUNT count]}. As in Redis, a hash Redis would keep
     * as a listpack (see {@link HashMeta#encoding}) comes back whole with cursor 0, whatever the
     * COUNT. A larger one is walked COUNT fields at a time in field order; the cursor stands for
     * the last field returned (as SCAN's cursors do, in a bounded table), so it stays valid
     * across writes: every field present for the whole iteration is returned exactly once. A
     * cursor the table has forgotten starts again from the first field.
     */
    RespValue hscan(Request request, ClientSession session) {
        Long cursor = KeyspaceCommands.unsignedCursor(request.arg(2));
        if (cursor == null) {
            return Replies.error("ERR invalid cursor");
        }
        byte[] key = key(request, session);
        Entry entry = store.get(key);
        if (entry == null) {
            return scanReply("0", List.of());
        }
        if (!entry.isHash()) {
            return Replies.error(WrongTypeException.MESSAGE);
        }
        byte[] pattern = null;
        long count = 10;
        for (int i = 3; i < request.size(); i++) {
            boolean hasValue = i + 1 < request.size();
            if (request.argIs(i, "count") && hasValue) {
                Long parsed = Numbers.parseLong(request.arg(++i));
                if (parsed == null) {
                    return Replies.error(Numbers.NOT_AN_INTEGER);
                }
                if (parsed < 1) {
                    return Replies.SYNTAX_ERROR;
                }
                count = parsed;
            }
            else if (request.argIs(i, "match") && hasValue) {
                pattern = request.arg(++i);
            }
            else {
                return Replies.SYNTAX_ERROR;
            }
        }
        Glob glob = pattern == null || pattern.length == 1 && pattern[0] == '*' ? null : Glob.of(pattern);
        HashMeta meta = HashMeta.of(entry);
        byte[] from = new byte[0];
        int limit = (int) Math.min(count, Integer.MAX_VALUE - 1);
        if ("listpack".equals(meta.encoding())) {
            limit = Integer.MAX_VALUE;
        }
        else if (cursor != 0) {
            ScanPosition position;
            synchronized (cursors) {
                position = cursors.remove(cursor);
            }
            if (position != null && Arrays.equals(position.key(), key)) {
                from = Arrays.copyOf(position.lastField(), position.lastField().length + 1); // the next field after it
            }
        }
        List<Field> fields = store.hashFields(key, from, limit == Integer.MAX_VALUE ? limit : limit + 1);
        String next = "0";
        if (limit != Integer.MAX_VALUE && fields.size() > limit) {
            fields = fields.subList(0, limit);
            synchronized (cursors) {
                long issued = nextCursor++;
                cursors.put(issued, new ScanPosition(key, fields.get(limit - 1).name()));
                next = Long.toUnsignedString(issued);
            }
        }
        List<RespValue> found = new ArrayList<>();
        for (Field field : fields) {
            if (glob == null || glob.matches(field.name())) {
                found.add(Replies.bulk(field.name()));
                found.add(Replies.bulk(field.value()));
            }
        }
        return scanReply(next, found);
    }

    private static RespValue scanReply(String cursor, List<RespValue> found) {
        return new RespValue.Array(List.of(Replies.bulk(cursor), new RespValue.Array(found)));
    }

    /**
     * Applies {@code change} to the hash's {@code fields} as one step; if it wrote anything,
     * tells the trackers and sends the keyspace event {@code event} (class {@code h}), and for an
     * HDEL that removed the last field, {@code del} after it, as Redis's {@code hdelCommand} does.
     */
    private List<Field> hashWrite(Request request, ClientSession session, String event, List<byte[]> fields,
                                  java.util.function.Function<List<byte[]>, List<Field>> change) {
        byte[] key = key(request, session);
        List<Field> written = store.hashUpdate(key, fields, change);
        if (!written.isEmpty()) {
            invalidations.written(session, List.of(request.arg(1)));
            events.notify(KeyspaceEvents.HASH, event, session.db(), request.arg(1));
            if (event.equals("hdel") && events.enabled(KeyspaceEvents.GENERIC) && store.get(key) == null) {
                events.notify(KeyspaceEvents.GENERIC, "del", session.db(), request.arg(1));
            }
        }
        return written;
    }

    private byte[] key(Request request, ClientSession session) {
        return databases.key(session, request.arg(1));
    }

    private static long bytesOf(Request request) {
        long bytes = 0;
        for (int i = 1; i < request.size(); i++) {
            bytes += request.arg(i).length;
        }
        return bytes;
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
