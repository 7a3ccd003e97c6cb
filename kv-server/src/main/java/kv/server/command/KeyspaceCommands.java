package kv.server.command;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;

import kv.protocol.Glob;
import kv.protocol.command.CommandGroup;
import kv.protocol.command.CommandHandler;
import kv.protocol.resp.Replies;
import kv.protocol.resp.RespValue;
import kv.protocol.resp.Request;
import kv.server.store.KeyValueStore;
import kv.server.store.KeyValueStore.CloseableIterator;
import kv.server.store.KeyValueStore.Entry;
import kv.server.store.KeyValueStore.Snapshot;
import kv.protocol.endpoint.ClientRegistry;
import kv.server.pubsub.KeyspaceEvents;
import kv.server.session.ClientSession;
import kv.server.tracking.InvalidationHub;
import kv.server.transaction.KeyWatches;
import org.springframework.stereotype.Component;

/**
 * SELECT and the commands over the keys of a database: KEYS, SCAN, TYPE, UNLINK, RENAME,
 * RENAMENX, COPY, TOUCH, RANDOMKEY.
 *
 * <p>Design note on SCAN: the store is sorted, so a scan walks the database in key order from
 * the key after the last one it returned, each call from a fresh snapshot: a key present for the
 * whole iteration is returned exactly once, whatever is written meanwhile (Redis promises at
 * least once). Clients parse the cursor as an unsigned integer, so the position (a key) is not
 * the cursor itself: each reply's cursor is a new number standing for the position, remembered
 * in a bounded table ({@link #MAX_CURSORS}, oldest forgotten first). A cursor the table no longer
 * has starts the walk again from the first key: keys may then be returned twice, as Redis allows,
 * but never skipped. KEYS, and a SCAN with a COUNT over {@link #LOOP_COUNT}, walk off the event
 * loop ({@link BackgroundCommand}).
 */
@Component
public class KeyspaceCommands implements CommandGroup<ClientSession> {

    static final int MAX_CURSORS = 100_000;
    private static final int LOOP_COUNT = 1000;

    private final KeyValueStore store;
    private final InvalidationHub invalidations;
    private final Databases databases;
    private final KeyspaceEvents events;
    private final Map<Long, ScanPosition> cursors = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, ScanPosition> eldest) {
            return size() > MAX_CURSORS;
        }
    };
    private long nextCursor = ThreadLocalRandom.current().nextLong(1, 1L << 40);

    private record ScanPosition(int db, byte[] after) {
    }

    private final ClientRegistry<ClientSession> clients;

    private final AtomicUnits atomic;
    private final KeyWatches watches;

    public KeyspaceCommands(KeyValueStore store, InvalidationHub invalidations, Databases databases,
                            ClientRegistry<ClientSession> clients, AtomicUnits atomic, KeyWatches watches,
                            KeyspaceEvents events) {
        this.atomic = atomic;
        this.watches = watches;
        this.events = events;
        this.store = store;
        this.invalidations = invalidations;
        this.databases = databases;
        this.clients = clients;
    }

    @Override
    public void register(Map<String, CommandHandler<ClientSession>> handlers) {
        handlers.put("select", this::select);
        handlers.put("keys", (BackgroundCommand) this::keys);
        handlers.put("scan", (BackgroundCommand) this::scan);
        handlers.put("type", this::type);
        handlers.put("unlink", this::unlink);
        handlers.put("rename", (request, session) -> rename(request, session, false));
        handlers.put("renamenx", (request, session) -> rename(request, session, true));
        handlers.put("copy", this::copy);
        handlers.put("touch", this::touch);
        handlers.put("randomkey", this::randomkey);
        handlers.put("swapdb", this::swapdb);
    }

    /**
     * {@code SWAPDB index1 index2}: the two databases trade their keys, in O(1) (see
     * {@link Databases}); tracking clients are told to drop everything, as after a flush.
     */
    RespValue swapdb(Request request, ClientSession session) {
        Long first = Numbers.parseLong(request.arg(1));
        if (first == null || first != (int) (long) first) {
            return Replies.error("ERR invalid first DB index");
        }
        Long second = Numbers.parseLong(request.arg(2));
        if (second == null || second != (int) (long) second) {
            return Replies.error("ERR invalid second DB index");
        }
        if (first < 0 || first >= databases.count() || second < 0 || second >= databases.count()) {
            return Replies.error("ERR DB index is out of range");
        }
        if (!first.equals(second)) {
            byte a = databases.prefix((int) (long) first)[0];
            byte b = databases.prefix((int) (long) second)[0];
            atomic.atomically(() -> { // WATCHes move with their databases, with no write in between
                databases.swap((int) (long) first, (int) (long) second);
                watches.swapped(a, b, key -> store.get(key) != null);
                return null;
            });
            invalidations.flushedAll(clients.all());
        }
        return Replies.OK;
    }

    /** {@code SELECT index}: the connection's database from now on, 0 to {@code databases - 1}. */
    RespValue select(Request request, ClientSession session) {
        Long parsed = Numbers.parseLong(request.arg(1));
        if (parsed == null || parsed != (int) (long) parsed) {
            return Replies.error(parsed == null ? Numbers.NOT_AN_INTEGER : INT_RANGE);
        }
        int index = (int) (long) parsed;
        if (index < 0 || index >= databases.count()) {
            return Replies.error("ERR DB index is out of range");
        }
        session.db(index);
        return Replies.OK;
    }

    /** Redis's error for an index beyond a C int (getIntFromObjectOrReply). */
    private static final String INT_RANGE = "ERR value is out of range, value must between -2147483648 and 2147483647";

    /** {@code KEYS pattern}: every key of the database matching the glob, from a snapshot, off the event loop. */
    Callable<RespValue> keys(Request request, ClientSession session) {
        byte[] prefix = databases.prefix(session);
        byte[] pattern = request.arg(1);
        Snapshot snapshot = store.snapshot();
        return () -> {
            List<RespValue> names = new ArrayList<>();
            try (snapshot; CloseableIterator<Entry> entries = snapshot.entries(prefix, matchesAll(pattern) ? null : pattern)) {
                while (entries.hasNext()) {
                    names.add(Replies.bulk(entries.next().key()));
                }
            }
            return new RespValue.Array(names);
        };
    }

    private static boolean matchesAll(byte[] pattern) {
        return pattern.length == 1 && pattern[0] == '*';
    }

    /** {@code SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]}: see the design note. */
    Callable<RespValue> scan(Request request, ClientSession session) {
        Long cursor = unsignedCursor(request.arg(1));
        if (cursor == null) {
            return () -> Replies.error("ERR invalid cursor");
        }
        byte[] pattern = null;
        long count = 10;
        String type = null;
        for (int i = 2; i < request.size(); i++) {
            boolean hasValue = i + 1 < request.size();
            if (request.argIs(i, "count") && hasValue) {
                Long parsed = Numbers.parseLong(request.arg(++i));
                if (parsed == null) {
                    return () -> Replies.error(Numbers.NOT_AN_INTEGER);
                }
                if (parsed < 1) {
                    return () -> Replies.SYNTAX_ERROR;
                }
                count = parsed;
            }
            else if (request.argIs(i, "match") && hasValue) {
                pattern = request.arg(++i);
            }
            else if (request.argIs(i, "type") && hasValue) {
                type = request.argString(++i);
            }
            else {
                return () -> Replies.SYNTAX_ERROR;
            }
        }
        int db = session.db();
        ScanPosition position;
        synchronized (cursors) {
            position = cursor == 0 ? null : cursors.remove(cursor);
        }
        byte[] after = position == null || position.db() != db ? null : position.after();
        byte[] prefix = databases.prefix(db); // now, in the request's place: a SWAPDB may follow
        Snapshot snapshot = store.snapshot();
        return scanWalk(snapshot, db, prefix, after, pattern, count, type);
    }

    private Callable<RespValue> scanWalk(Snapshot snapshot, int db, byte[] prefix, byte[] after, byte[] pattern,
                                         long count, String type) {
        return () -> {
            Glob glob = pattern == null || matchesAll(pattern) ? null : Glob.of(pattern);
            byte[] literal = glob == null ? new byte[0] : glob.literalPrefix();
            byte[] from = after == null ? literal : successor(after);
            if (Arrays.compareUnsigned(from, literal) < 0) {
                from = literal;
            }
            List<RespValue> found = new ArrayList<>();
            byte[] last = null;
            boolean more = false;
            try (snapshot; CloseableIterator<Entry> entries = snapshot.entries(prefix, null, from)) {
                long examined = 0;
                while (entries.hasNext()) {
                    if (examined == count) {
                        more = true;
                        break;
                    }
                    Entry entry = entries.next();
                    byte[] name = entry.key();
                    if (!startsWith(name, literal)) {
                        break; // past every key the pattern can match
                    }
                    examined++;
                    last = name;
                    if ((type == null || type.equalsIgnoreCase(entry.type().redisName())) && (glob == null || glob.matches(name))) {
                        found.add(Replies.bulk(name));
                    }
                }
            }
            String next = "0";
            if (more) {
                synchronized (cursors) {
                    long issued = nextCursor++;
                    cursors.put(issued, new ScanPosition(db, last));
                    next = Long.toUnsignedString(issued);
                }
            }
            return new RespValue.Array(List.of(Replies.bulk(next), new RespValue.Array(found)));
        };
    }

    /**
     * A cursor as Redis 7.0 reads one (strtoul in parseScanCursorOrReply): decimal digits with an
     * optional sign ({@code -1} is 2^64 - 1), up to 2^64 - 1; the empty string is 0; a leading
     * space or anything after the digits is invalid.
     */
    static Long unsignedCursor(byte[] argument) {
        if (argument.length == 0) {
            return 0L;
        }
        int i = 0;
        boolean negative = false;
        if (argument[0] == '+' || argument[0] == '-') {
            negative = argument[0] == '-';
            i = 1;
        }
        if (i == argument.length) {
            return null;
        }
        for (int j = i; j < argument.length; j++) {
            if (argument[j] < '0' || argument[j] > '9') {
                return null;
            }
        }
        try {
            long value = Long.parseUnsignedLong(new String(argument, i, argument.length - i,
                    java.nio.charset.StandardCharsets.US_ASCII));
            return negative ? -value : value;
        }
        catch (NumberFormatException e) {
            return null; // beyond 2^64 - 1
        }
    }

    /** The smallest key after {@code key}. */
    private static byte[] successor(byte[] key) {
        return Arrays.copyOf(key, key.length + 1);
    }

    private static boolean startsWith(byte[] key, byte[] prefix) {
        return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }

    /** {@code TYPE key}: {@code string} or {@code hash}, or {@code none} for an absent key. */
    RespValue type(Request request, ClientSession session) {
        Entry entry = store.get(databases.key(session, request.arg(1)));
        return new RespValue.SimpleString(entry == null ? "none" : entry.type().redisName());
    }

    /** {@code UNLINK key...}: as DEL; RocksDB reclaims the space in the background either way. */
    RespValue unlink(Request request, ClientSession session) {
        return KeyValueCommands.delete(request, session, store, invalidations, events, databases);
    }

    /**
     * {@code RENAME key newkey} ({@code +OK}) and {@code RENAMENX key newkey} (1, or 0 if newkey
     * exists): the value and its expiry move, in one atomic step; an absent key is an error.
     */
    RespValue rename(Request request, ClientSession session, boolean onlyIfAbsent) {
        byte[] source = databases.key(session, request.arg(1));
        byte[] target = databases.key(session, request.arg(2));
        boolean same = Arrays.equals(source, target);
        RespValue[] reply = new RespValue[1];
        boolean[] replaced = {false};
        List<Entry> written = store.update(List.of(source, target), current -> {
            Entry entry = current.get(0);
            if (entry == null) {
                reply[0] = Replies.error("ERR no such key");
                return List.of();
            }
            if (same) {
                reply[0] = onlyIfAbsent ? Replies.ZERO : Replies.OK;
                return List.of();
            }
            if (onlyIfAbsent && current.get(1) != null) {
                reply[0] = Replies.ZERO;
                return List.of();
            }
            reply[0] = onlyIfAbsent ? Replies.ONE : Replies.OK;
            replaced[0] = current.get(1) != null;
            return List.of(Entry.deletion(source), entry.withKey(target));
        });
        if (!written.isEmpty()) {
            if (replaced[0]) {
                events.created(target); // Redis deletes the old one and adds the key anew: "new" (the store told an absent one)
            }
            invalidations.written(session, List.of(request.arg(1), request.arg(2)));
            events.notify(KeyspaceEvents.GENERIC, "rename_from", session.db(), request.arg(1));
            events.notify(KeyspaceEvents.GENERIC, "rename_to", session.db(), request.arg(2));
        }
        return reply[0];
    }

    /** {@code COPY source destination [DB index] [REPLACE]}: 1 if copied (with its expiry), else 0. */
    RespValue copy(Request request, ClientSession session) {
        int targetDb = session.db();
        boolean replace = false;
        for (int i = 3; i < request.size(); i++) {
            if (request.argIs(i, "replace")) {
                replace = true;
            }
            else if (request.argIs(i, "db") && i + 1 < request.size()) {
                Long parsed = Numbers.parseLong(request.arg(++i));
                if (parsed == null || parsed != (int) (long) parsed) {
                    return Replies.error(parsed == null ? Numbers.NOT_AN_INTEGER : INT_RANGE);
                }
                int index = (int) (long) parsed;
                if (index < 0 || index >= databases.count()) {
                    return Replies.error("ERR DB index is out of range");
                }
                targetDb = index;
            }
            else {
                return Replies.SYNTAX_ERROR;
            }
        }
        byte[] source = databases.key(session, request.arg(1));
        byte[] target = databases.key(targetDb, request.arg(2));
        if (Arrays.equals(source, target)) {
            return Replies.error("ERR source and destination objects are the same");
        }
        boolean overwrite = replace;
        boolean[] replaced = {false};
        List<Entry> written = store.update(List.of(source, target), current -> {
            Entry entry = current.get(0);
            if (entry == null || current.get(1) != null && !overwrite) {
                return List.of();
            }
            replaced[0] = current.get(1) != null;
            return List.of(entry.withKey(target));
        });
        if (!written.isEmpty()) {
            if (replaced[0]) {
                events.created(target); // as RENAME's: Redis deletes the old destination and adds it anew
            }
            invalidations.written(session, List.of(request.arg(2)));
            events.notify(KeyspaceEvents.GENERIC, "copy_to", targetDb, request.arg(2));
        }
        return written.isEmpty() ? Replies.ZERO : Replies.ONE;
    }

    /** {@code TOUCH key...}: how many exist (kv keeps no access times to update). */
    RespValue touch(Request request, ClientSession session) {
        return Replies.integer(store.countExisting(databases.keys(session, request, 1, 1)));
    }

    /**
     * {@code RANDOMKEY}: a key of the database, or nil if it is empty: the first key at or after a
     * random point of the key space (wrapping round to the first key). The point's bytes are
     * printable, as most keys are; a key after a long gap in the order is picked more often than
     * one in a dense run (Redis's pick is uniform over its hash table's buckets).
     */
    RespValue randomkey(Request request, ClientSession session) {
        byte[] prefix = databases.prefix(session);
        byte[] point = new byte[8];
        for (int i = 0; i < point.length; i++) {
            point[i] = (byte) ThreadLocalRandom.current().nextInt(0x20, 0x7F);
        }
        try (Snapshot snapshot = store.snapshot()) {
            for (byte[] from : List.of(point, new byte[0])) {
                try (CloseableIterator<Entry> entries = snapshot.entries(prefix, null, from)) {
                    if (entries.hasNext()) {
                        return Replies.bulk(entries.next().key());
                    }
                }
            }
        }
        return Replies.NULL;
    }

}
