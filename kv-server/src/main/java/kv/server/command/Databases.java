package kv.server.command;

import java.util.ArrayList;
import java.util.List;

import kv.protocol.resp.Request;
import kv.server.config.KvServerProperties;
import kv.server.store.KeyValueStore;
import kv.server.store.KeyValueStore.Entry;
import kv.server.pubsub.KeyspaceEvents;
import kv.server.session.ClientSession;
import org.springframework.stereotype.Component;

/**
 * The databases SELECT chooses, as key prefixes: a key {@code k} of database {@code n} is stored
 * as one prefix byte followed by {@code k}, so a database is one contiguous range of the store
 * (FLUSHDB deletes a range, SCAN and KEYS seek into it) and SELECT costs nothing.
 *
 * <p>Design note: the prefix byte of database {@code n} is not {@code n} itself but an entry of
 * a table that SWAPDB permutes, so SWAPDB is O(1) instead of a rewrite of both databases. The
 * table is stored in the store under a key of its own ({@code 0xFF databases}, outside every
 * database and kept by FLUSHALL), so it survives a restart with the data it describes. A command
 * that took its keys' prefixes just before a SWAPDB on another event loop writes where the
 * database was: as if it ran before the swap, which is the order it was executed in.
 */
@Component
public class Databases {

    private static final byte[] TABLE_KEY = {(byte) 0xFF, 'd', 'a', 't', 'a', 'b', 'a', 's', 'e', 's'};

    private final KeyValueStore store;
    private final int count;
    /** Database index -> prefix byte; replaced whole, never changed in place. */
    private volatile byte[] prefixes;

    public Databases(KeyValueStore store, KvServerProperties properties, KeyspaceEvents events) {
        this.store = store;
        this.count = properties.databases();
        Entry stored = store.get(TABLE_KEY);
        byte[] table = new byte[256];
        for (int i = 0; i < table.length; i++) {
            table[i] = (byte) i;
        }
        if (stored != null) {
            System.arraycopy(stored.value(), 0, table, 0, Math.min(stored.value().length, table.length));
        }
        this.prefixes = table;
        events.databaseOfPrefix(prefix -> index((byte) prefix));
        store.announceNewKeys(events::created); // here, where the store and the events meet: keyspace events "new"
    }

    /** How many databases there are ({@code kv.server.databases}). */
    public int count() {
        return count;
    }

    /** The store's key for {@code name} in database {@code db}. */
    byte[] key(int db, byte[] name) {
        byte[] key = new byte[name.length + 1];
        key[0] = prefixes[db];
        System.arraycopy(name, 0, key, 1, name.length);
        return key;
    }

    /** The store's key for {@code name} in the session's database. */
    byte[] key(ClientSession session, byte[] name) {
        return key(session.db(), name);
    }

    /** The store's keys for the request's arguments {@code from}, {@code from + step}, ... */
    List<byte[]> keys(ClientSession session, Request request, int from, int step) {
        List<byte[]> keys = new ArrayList<>(request.size());
        for (int i = from; i < request.size(); i += step) {
            keys.add(key(session, request.arg(i)));
        }
        return keys;
    }

    /** The database whose keys start with {@code prefix} (a store key's first byte), or -1 if none does. */
    public int index(byte prefix) {
        byte[] table = prefixes;
        for (int db = 0; db < count; db++) {
            if (table[db] == prefix) {
                return db;
            }
        }
        return -1;
    }

    /** The prefix every key of database {@code db} starts with. */
    public byte[] prefix(int db) {
        return new byte[] {prefixes[db]};
    }

    byte[] prefix(ClientSession session) {
        return prefix(session.db());
    }

    /** Swaps databases {@code a} and {@code b}: each one's keys are the other's from now on. */
    synchronized void swap(int a, int b) {
        byte[] table = prefixes.clone();
        byte swapped = table[a];
        table[a] = table[b];
        table[b] = swapped;
        store.put(new Entry(TABLE_KEY, table));
        prefixes = table;
    }
}
