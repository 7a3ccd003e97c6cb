package kv.server.command;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;

import kv.protocol.command.CommandGroup;
import kv.protocol.command.CommandHandler;
import kv.protocol.resp.Replies;
import kv.protocol.resp.RespValue;
import kv.protocol.resp.Request;
import kv.server.store.DiskGuard;
import kv.server.store.KeyValueStore;
import kv.server.store.KeyValueStore.CloseableIterator;
import kv.server.store.KeyValueStore.Entry;
import kv.server.store.KeyValueStore.Snapshot;
import kv.protocol.endpoint.ClientRegistry;
import kv.server.session.ClientSession;
import kv.server.tracking.InvalidationHub;
import org.springframework.stereotype.Component;

/** PUT/SET, GET, MGET, MSET, DEL, EXISTS, DUMP, DBSIZE, FLUSHDB: the commands over the store. */
@Component
public class KeyValueCommands implements CommandGroup<ClientSession> {

    private final KeyValueStore store;
    private final InvalidationHub invalidations;
    private final ClientRegistry<ClientSession> clients;
    private final WriteBatcher batcher;
    private final DiskGuard disk;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();

    public KeyValueCommands(KeyValueStore store, InvalidationHub invalidations, ClientRegistry<ClientSession> clients,
                            WriteBatcher batcher, DiskGuard disk) {
        this.store = store;
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
        handlers.put("dbsize", (BackgroundCommand) this::dbsize);
        handlers.put("flushdb", this::flushdb);
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
        batcher.stage(session, List.of(new Entry(request.arg(1), value)));
        return Replies.OK;
    }

    /**
     * {@code SET key value [NX | XX] [GET] [KEEPTTL]}, as in Redis: NX writes only an absent key,
     * XX only an existing one (either way the reply is nil if nothing was written), GET answers
     * the value the key had. Keys never expire in kv, so KEEPTTL changes nothing and the expiry
     * options (EX, PX, EXAT, PXAT) are refused rather than ignored.
     *
     * <p>A plain SET is staged for the round's group commit. One with a condition or GET reads
     * the key first: it applies this connection's staged writes, so it sees them, and then reads
     * and writes as one step against every other write ({@link KeyValueStore#putIf}).
     */
    RespValue set(Request request, ClientSession session) {
        String diskFull = disk.refusal(bytesOf(request));
        if (diskFull != null) {
            return Replies.error(diskFull);
        }
        if (request.size() == 3) {
            batcher.stage(session, List.of(new Entry(request.arg(1), request.arg(2))));
            return Replies.OK;
        }
        boolean nx = false;
        boolean xx = false;
        boolean get = false;
        for (int i = 3; i < request.size(); i++) {
            if (request.argIs(i, "nx")) {
                nx = true;
            }
            else if (request.argIs(i, "xx")) {
                xx = true;
            }
            else if (request.argIs(i, "get")) {
                get = true;
            }
            else if (request.argIs(i, "keepttl")) {
                continue; // nothing expires
            }
            else if (request.argIs(i, "ex") || request.argIs(i, "px") || request.argIs(i, "exat")
                    || request.argIs(i, "pxat")) {
                return Replies.error("ERR SET's expiry options (EX, PX, EXAT, PXAT) are not supported:"
                        + " keys in kv do not expire");
            }
            else {
                return Replies.error("ERR syntax error");
            }
        }
        if (nx && xx) {
            return Replies.error("ERR syntax error");
        }
        Predicate<byte[]> condition = nx ? current -> current == null
                : xx ? current -> current != null
                : current -> true;
        batcher.commit(session);
        byte[] key = request.arg(1);
        byte[] previous = store.putIf(key, request.arg(2), condition);
        boolean written = condition.test(previous);
        if (written) {
            invalidations.written(session, List.of(key));
        }
        if (get) {
            return Replies.bulk(previous);
        }
        return written ? Replies.OK : Replies.NULL;
    }

    RespValue get(Request request, ClientSession session) {
        byte[] value = store.get(request.arg(1));
        (value == null ? misses : hits).increment();
        return Replies.bulk(value);
    }

    RespValue mget(Request request, ClientSession session) {
        List<byte[]> values = store.getAll(keys(request, 1, 1));
        List<RespValue> reply = new ArrayList<>(values.size());
        for (byte[] value : values) {
            (value == null ? misses : hits).increment();
            reply.add(Replies.bulk(value));
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
            entries.add(new Entry(request.arg(i), request.arg(i + 1)));
        }
        batcher.stage(session, entries);
        return Replies.OK;
    }

    RespValue del(Request request, ClientSession session) {
        List<byte[]> keys = keys(request, 1, 1);
        long deleted = store.delete(keys);
        if (deleted > 0) {
            invalidations.written(session, keys);
        }
        return Replies.integer(deleted);
    }

    RespValue exists(Request request, ClientSession session) {
        return Replies.integer(store.countExisting(keys(request, 1, 1)));
    }

    /**
     * {@code DUMP [pattern]}: every pair (matching the glob pattern, if given) in key order, as a
     * flat array key, value, key, value... The reply is streamed from a RocksDB snapshot taken in
     * the request's place: the snapshot is counted first (the array length goes first on the
     * wire), off the event loop since it walks every matching key (see {@link BackgroundCommand}),
     * then its pairs are written as they are read, so memory stays flat however many keys there are.
     */
    Callable<RespValue> dump(Request request, ClientSession session) {
        if (request.size() > 2) {
            return () -> Replies.error("ERR syntax error: use DUMP [pattern]");
        }
        byte[] pattern = request.size() == 2 ? request.arg(1) : null;
        Snapshot snapshot = store.snapshot();
        return () -> {
            long count;
            try {
                count = snapshot.count(pattern);
            }
            catch (RuntimeException e) {
                snapshot.close();
                throw e;
            }
            return new RespValue.StreamedArray(count * 2, () -> new PairIterator(snapshot, pattern));
        };
    }

    /** An exact count from a snapshot taken in the request's place; walking it runs off the event loop. */
    Callable<RespValue> dbsize(Request request, ClientSession session) {
        Snapshot snapshot = store.snapshot();
        return () -> {
            try (snapshot) {
                return Replies.integer(snapshot.count(null));
            }
        };
    }

    RespValue flushdb(Request request, ClientSession session) {
        if (request.size() > 2 || request.size() == 2 && !request.argIs(1, "sync") && !request.argIs(1, "async")) {
            return Replies.SYNTAX_ERROR;
        }
        store.clear();
        invalidations.flushedAll(clients.all());
        return Replies.OK;
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

    /** Yields key, value, key, value... and releases the snapshot when closed. */
    private static final class PairIterator implements Iterator<RespValue>, AutoCloseable {

        private final Snapshot snapshot;
        private final CloseableIterator<Entry> entries;
        private byte[] pendingValue;

        PairIterator(Snapshot snapshot, byte[] pattern) {
            this.snapshot = snapshot;
            this.entries = snapshot.entries(pattern);
        }

        @Override
        public boolean hasNext() {
            return pendingValue != null || entries.hasNext();
        }

        @Override
        public RespValue next() {
            if (pendingValue != null) {
                byte[] value = pendingValue;
                pendingValue = null;
                return new RespValue.BulkString(value);
            }
            if (!entries.hasNext()) {
                throw new NoSuchElementException();
            }
            Entry entry = entries.next();
            pendingValue = entry.value();
            return new RespValue.BulkString(entry.key());
        }

        @Override
        public void close() {
            entries.close();
            snapshot.close();
        }
    }
}
