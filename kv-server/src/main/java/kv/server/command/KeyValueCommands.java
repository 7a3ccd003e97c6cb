package kv.server.command;

import java.io.ByteArrayOutputStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.LongAdder;

import kv.protocol.command.CommandGroup;
import kv.protocol.command.CommandHandler;
import kv.protocol.resp.Replies;
import kv.protocol.resp.RespValue;
import kv.protocol.resp.Request;
import kv.server.pubsub.KeyspaceEvents;
import kv.server.store.DiskGuard;
import kv.server.store.KeyValueStore;
import kv.server.store.KeyValueStore.CloseableIterator;
import kv.server.store.KeyValueStore.Entry;
import kv.server.store.KeyValueStore.Snapshot;
import kv.protocol.endpoint.ClientRegistry;
import kv.server.session.ClientSession;
import kv.server.tracking.InvalidationHub;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;

/** PUT/SET, GET, MGET, MSET, DEL, EXISTS, DUMP, DBSIZE, FLUSHDB, FLUSHALL: the commands over the store. */
@Component
public class KeyValueCommands implements CommandGroup<ClientSession> {

    private final KeyValueStore store;
    private final InvalidationHub invalidations;
    private final ClientRegistry<ClientSession> clients;
    private final WriteBatcher batcher;
    private final DiskGuard disk;
    private final Clock clock;
    private final Databases databases;
    private final KeyspaceEvents events;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();

    private final Executor dumpReader;

    public KeyValueCommands(KeyValueStore store, InvalidationHub invalidations, ClientRegistry<ClientSession> clients,
                            WriteBatcher batcher, DiskGuard disk, Clock clock, Databases databases,
                            KeyspaceEvents events, @Qualifier("kvDumpReader") Executor dumpReader) {
        this.dumpReader = dumpReader;
        this.events = events;
        this.databases = databases;
        this.store = store;
        this.clock = clock;
        this.disk = disk;
        this.invalidations = invalidations;
        this.clients = clients;
        this.batcher = batcher;
    }

    @Override
    public void register(Map<String, CommandHandler<ClientSession>> handlers) {
        handlers.put("put", this::put);
        handlers.put("set", this::set);
        handlers.put("get", this::get);
        handlers.put("mget", this::mget);
        handlers.put("mset", this::mset);
        handlers.put("del", this::del);
        handlers.put("exists", this::exists);
        handlers.put("dump", (BackgroundCommand) this::dump);
        handlers.put("dbsize", this::dbsize);
        handlers.put("flushdb", this::flushdb);
        handlers.put("flushall", this::flushall);
    }

    public long keyspaceHits() {
        return hits.sum();
    }

    public long keyspaceMisses() {
        return misses.sum();
    }

    /**
     * {@code PUT key value}, and the assignment's {@code PUT key = value}. Typed inline, a value of
     * several words after {@code =} is kept whole: {@code PUT greeting = hello world}.
     */
    RespValue put(Request request, ClientSession session) {
        String diskFull = disk.refusal(bytesOf(request));
        if (diskFull != null) {
            return Replies.error(diskFull);
        }
        byte[] value;
        if (request.size() == 3) {
            value = request.arg(2);
        }
        else if (request.size() >= 4 && Arrays.equals(request.arg(2), new byte[] {'='})) {
            value = joinWords(request, 3);
        }
        else {
            return Replies.error("ERR syntax error: use PUT key value, or PUT key = value");
        }
        batcher.stage(session, List.of(new Entry(databases.key(session, request.arg(1)), value)));
        return Replies.OK;
    }

    /**
     * {@code SET key value [NX | XX] [GET] [EX s | PX ms | EXAT s | PXAT ms | KEEPTTL]}, as in
     * Redis: NX writes only an absent key, XX only an existing one (either way the reply is nil
     * if nothing was written), GET answers the value the key had; the expiry options set the
     * key's expiry time, KEEPTTL keeps the one it had, and none of them clears it.
     *
     * <p>A SET without a condition, GET or KEEPTTL is staged for the round's group commit (its
     * expiry time, computed now, goes with it). One with them reads the key first: it applies this
     * connection's staged writes, so it sees them, and then reads and writes as one step against
     * every other write ({@link KeyValueStore#update}).
     */
    RespValue set(Request request, ClientSession session) {
        String diskFull = disk.refusal(bytesOf(request));
        if (diskFull != null) {
            return Replies.error(diskFull);
        }
        byte[] key = databases.key(session, request.arg(1));
        byte[] value = request.arg(2);
        if (request.size() == 3) {
            batcher.stage(session, List.of(new Entry(key, value)));
            return Replies.OK;
        }
        SetOptions options = SetOptions.parse(request, 3, false);
        if (options.error != null) {
            return Replies.error(options.error);
        }
        long expireAt = Entry.NO_EXPIRY;
        if (options.expiry != null) {
            SetOptions.ExpireTime time = options.expireAt(clock.millis(), request.name());
            if (time.error() != null) {
                return Replies.error(time.error());
            }
            expireAt = time.at();
        }
        if (!options.nx && !options.xx && !options.get && !options.keepTtl) {
            batcher.stage(session, List.of(new Entry(key, value, expireAt)));
            return Replies.OK;
        }
        batcher.commit(session);
        long newExpireAt = expireAt;
        RespValue[] reply = new RespValue[1];
        List<Entry> written = store.update(List.of(key), current -> {
            Entry old = current.get(0);
            boolean write = options.nx ? old == null : !options.xx || old != null;
            reply[0] = options.get ? Replies.bulk(old == null ? null : old.value()) : write ? Replies.OK : Replies.NULL;
            if (!write) {
                return List.of();
            }
            return List.of(new Entry(key, value, options.keepTtl && old != null ? old.expireAt() : newExpireAt));
        });
        if (!written.isEmpty()) {
            invalidations.written(session, List.of(request.arg(1)));
            events.notify(KeyspaceEvents.STRING, "set", session.db(), request.arg(1));
            if (options.expiry != null) {
                events.notify(KeyspaceEvents.GENERIC, "expire", session.db(), request.arg(1));
                if (newExpireAt <= clock.millis()) {
                    // Deleted by the write, where Redis deletes it at once after it: the same events.
                    events.notify(KeyspaceEvents.EXPIRED, "expired", session.db(), request.arg(1));
                }
            }
        }
        return reply[0];
    }

    RespValue get(Request request, ClientSession session) {
        Entry entry = store.get(databases.key(session, request.arg(1)));
        (entry == null ? misses : hits).increment();
        return Replies.bulk(entry == null ? null : entry.value());
    }

    RespValue mget(Request request, ClientSession session) {
        List<Entry> entries = store.getAll(databases.keys(session, request, 1, 1));
        List<RespValue> reply = new ArrayList<>(entries.size());
        for (Entry entry : entries) {
            (entry == null ? misses : hits).increment();
            reply.add(Replies.bulk(entry == null || !entry.isString() ? null : entry.value())); // nil for a hash, as Redis
        }
        return new RespValue.Array(reply);
    }

    RespValue mset(Request request, ClientSession session) {
        if (request.size() % 2 != 1) {
            return Replies.wrongArity("mset");
        }
        String diskFull = disk.refusal(bytesOf(request));
        if (diskFull != null) {
            return Replies.error(diskFull);
        }
        List<Entry> entries = new ArrayList<>(request.size() / 2);
        for (int i = 1; i < request.size(); i += 2) {
            entries.add(new Entry(databases.key(session, request.arg(i)), request.arg(i + 1)));
        }
        batcher.stage(session, entries);
        return Replies.OK;
    }

    /** {@code DEL key...}; UNLINK is the same here (RocksDB frees the space in the background either way). */
    RespValue del(Request request, ClientSession session) {
        return delete(request, session, store, invalidations, events, databases);
    }

    /**
     * DEL and UNLINK: how many of the keys existed. With generic keyspace events on, the keys
     * deleted are read and deleted in one step, so that each gets its {@code del} event, as Redis sends them.
     */
    static RespValue delete(Request request, ClientSession session, KeyValueStore store, InvalidationHub invalidations,
                            KeyspaceEvents events, Databases databases) {
        List<byte[]> keys = databases.keys(session, request, 1, 1);
        if (!events.enabled(KeyspaceEvents.GENERIC)) {
            long deleted = store.delete(keys);
            if (deleted > 0) {
                invalidations.written(session, keys(request, 1, 1));
            }
            return Replies.integer(deleted);
        }
        java.util.Set<kv.protocol.ByteKey> distinct = new java.util.LinkedHashSet<>();
        keys.forEach(key -> distinct.add(new kv.protocol.ByteKey(key)));
        List<byte[]> unique = distinct.stream().map(kv.protocol.ByteKey::bytes).toList();
        List<Entry> deleted = store.update(unique, current -> {
            List<Entry> deletions = new ArrayList<>();
            for (int i = 0; i < current.size(); i++) {
                if (current.get(i) != null) {
                    deletions.add(Entry.deletion(unique.get(i)));
                }
            }
            return deletions;
        });
        if (!deleted.isEmpty()) {
            List<byte[]> names = new ArrayList<>(deleted.size());
            deleted.forEach(entry -> names.add(Keys.name(entry.key())));
            invalidations.written(session, names);
            names.forEach(name -> events.notify(KeyspaceEvents.GENERIC, "del", session.db(), name));
        }
        return Replies.integer(deleted.size());
    }

    RespValue exists(Request request, ClientSession session) {
        return Replies.integer(store.countExisting(databases.keys(session, request, 1, 1)));
    }

    /**
     * {@code DUMP [pattern]}: every pair (matching the glob pattern, if given) in key order, as a
     * flat array key, value, key, value... The reply is streamed from a RocksDB snapshot taken in
     * the request's place: the snapshot is counted first (the array length goes first on the
     * wire), off the event loop since it walks every matching key (see {@link BackgroundCommand}),
     * then its pairs are read, the first 4 MB of them off the loop too ({@link #readAhead}), the
     * rest written as they are read, so memory stays flat however many keys there are.
     * A hash's value is a nested array of its fields and values (see {@link PairIterator}).
     */
    Callable<RespValue> dump(Request request, ClientSession session) {
        if (request.size() > 2) {
            return () -> Replies.error("ERR syntax error: use DUMP [pattern]");
        }
        byte[] pattern = request.size() == 2 ? request.arg(1) : null;
        byte[] prefix = databases.prefix(session);
        Snapshot snapshot = store.snapshot();
        return () -> {
            long count;
            PairIterator pairs;
            try {
                count = snapshot.count(prefix, pattern);
                pairs = new PairIterator(snapshot, prefix, pattern);
            }
            catch (RuntimeException e) {
                snapshot.close();
                throw e;
            }
            return readAhead(count, pairs);
        };
    }

    /** How much of a DUMP's reply its background work reads before it answers. */
    private static final long READ_AHEAD_BYTES = 4L * 1024 * 1024;

    /**
     * The second pass of a DUMP, begun off the event loop: the pairs are read here until
     * {@link #READ_AHEAD_BYTES} or the end. A reply that fits is whole (the snapshot released);
     * a bigger one streams the rest as {@link ReadAheadPairs} reads it on {@link #dumpReader},
     * never on the loop: a pattern that matches a few keys among many walks the others off the
     * loop from the first pair to the last (streamed from the loop, one {@code hasNext()} over
     * 50,000 of them held every other client of that loop; issue 15).
     */
    private RespValue readAhead(long count, PairIterator pairs) {
        List<RespValue> first = new ArrayList<>();
        long bytes = 0;
        try {
            while (bytes < READ_AHEAD_BYTES && pairs.hasNext()) {
                RespValue element = pairs.next();
                first.add(element);
                bytes += ReadAheadPairs.sizeOf(element);
            }
            if (!pairs.hasNext()) {
                pairs.close();
                return new RespValue.Array(first);
            }
        }
        catch (RuntimeException e) {
            pairs.close();
            throw e;
        }
        ReadAheadPairs rest = new ReadAheadPairs(first, pairs, pairs, dumpReader);
        return new RespValue.StreamedArray(count * 2, () -> rest);
    }

    /** {@code DBSIZE}: the keys of the connection's database, in O(1) (kept by the store with every write). */
    RespValue dbsize(Request request, ClientSession session) {
        return Replies.integer(store.size(databases.prefix(session)));
    }

    /** {@code FLUSHDB [ASYNC|SYNC]}: deletes the keys of the connection's database. */
    RespValue flushdb(Request request, ClientSession session) {
        if (!flushArgumentsValid(request)) {
            return Replies.SYNTAX_ERROR;
        }
        store.clear(databases.prefix(session));
        invalidations.flushedAll(clients.all());
        return Replies.OK;
    }

    /** {@code FLUSHALL [ASYNC|SYNC]}: deletes the keys of every database. */
    RespValue flushall(Request request, ClientSession session) {
        if (!flushArgumentsValid(request)) {
            return Replies.SYNTAX_ERROR;
        }
        store.clear();
        invalidations.flushedAll(clients.all());
        return Replies.OK;
    }

    private static boolean flushArgumentsValid(Request request) {
        return request.size() == 1 || request.size() == 2 && (request.argIs(1, "sync") || request.argIs(1, "async"));
    }

    /** Roughly what a write of {@code request} adds on disk: its keys and values. */
    private static long bytesOf(Request request) {
        long bytes = 0;
        for (int i = 1; i < request.size(); i++) {
            bytes += request.arg(i).length;
        }
        return bytes;
    }

    private static List<byte[]> keys(Request request, int from, int step) {
        List<byte[]> keys = new ArrayList<>(request.size());
        for (int i = from; i < request.size(); i += step) {
            keys.add(request.arg(i));
        }
        return keys;
    }

    private static byte[] joinWords(Request request, int from) {
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        for (int i = from; i < request.size(); i++) {
            if (i > from) {
                joined.write(' ');
            }
            joined.writeBytes(request.arg(i));
        }
        return joined.toByteArray();
    }

    /**
     * Yields key, value, key, value... and releases the snapshot when closed. A hash's value is
     * a nested array of its fields and values (field, value, ...) in field order, from the same
     * snapshot.
     */
    static final class PairIterator implements Iterator<RespValue>, AutoCloseable {

        private final Snapshot snapshot;
        private final CloseableIterator<Entry> entries;
        private RespValue pendingValue;

        PairIterator(Snapshot snapshot, byte[] prefix, byte[] pattern) {
            this.snapshot = snapshot;
            this.entries = snapshot.entries(prefix, pattern);
        }

        @Override
        public boolean hasNext() {
            return pendingValue != null || entries.hasNext();
        }

        @Override
        public RespValue next() {
            if (pendingValue != null) {
                RespValue value = pendingValue;
                pendingValue = null;
                return value;
            }
            if (!entries.hasNext()) {
                throw new NoSuchElementException();
            }
            Entry entry = entries.next();
            if (entry.isHash()) {
                List<RespValue> fields = new ArrayList<>();
                for (KeyValueStore.Field field : snapshot.hashFields(entry)) {
                    fields.add(new RespValue.BulkString(field.name()));
                    fields.add(new RespValue.BulkString(field.value()));
                }
                pendingValue = new RespValue.Array(fields);
            }
            else {
                pendingValue = new RespValue.BulkString(entry.value());
            }
            return new RespValue.BulkString(entry.key());
        }

        @Override
        public void close() {
            entries.close();
            snapshot.close();
        }
    }
}
