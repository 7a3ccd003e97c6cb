package kv.server.command;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A store key is a database prefix byte and a name (see {@link Databases}); this takes the name back. */
final class Keys {

    private Keys() {
    }

    /** The key's name, without its database prefix. */
    static byte[] name(byte[] key) {
        return Arrays.copyOfRange(key, 1, key.length);
    }

    static List<byte[]> names(List<byte[]> keys) {
        List<byte[]> names = new ArrayList<>(keys.size());
        keys.forEach(key -> names.add(name(key)));
        return names;
    }
}
