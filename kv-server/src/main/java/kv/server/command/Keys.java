package kv.server.command;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import kv.protocol.resp.Request;
import kv.server.tcp.ClientSession;

/**
 * Databases are a key prefix: a key {@code k} of database {@code n} is stored as the byte
 * {@code n} followed by {@code k}, so a database is one contiguous range of the store (FLUSHDB
 * deletes a range, SCAN and KEYS seek into it) and SELECT costs nothing.
 */
final class Keys {

    private Keys() {
    }

    /** The store's key for {@code name} in {@code db}. */
    static byte[] of(int db, byte[] name) {
        byte[] key = new byte[name.length + 1];
        key[0] = (byte) db;
        System.arraycopy(name, 0, key, 1, name.length);
        return key;
    }

    /** The store's key for {@code name} in the session's database. */
    static byte[] of(ClientSession session, byte[] name) {
        return of(session.db(), name);
    }

    /** The store's keys for the request's arguments {@code from}, {@code from + step}, ... */
    static List<byte[]> of(ClientSession session, Request request, int from, int step) {
        List<byte[]> keys = new ArrayList<>(request.size());
        for (int i = from; i < request.size(); i += step) {
            keys.add(of(session, request.arg(i)));
        }
        return keys;
    }

    /** The key's name, without its database. */
    static byte[] name(byte[] key) {
        return Arrays.copyOfRange(key, 1, key.length);
    }

    static List<byte[]> names(List<byte[]> keys) {
        List<byte[]> names = new ArrayList<>(keys.size());
        keys.forEach(key -> names.add(name(key)));
        return names;
    }

    /** The prefix every key of {@code db} starts with. */
    static byte[] prefix(int db) {
        return new byte[] {(byte) db};
    }
}
