package kv.proxy.cache;

import kv.protocol.ByteKey;

/**
 * A cached key of a database other than 0. Keys of database 0, nearly all, are cached as their
 * bare {@link ByteKey}, so the common case allocates nothing more.
 */
record DbKey(int db, ByteKey key) {

    /** The cache's key for {@code key} on database {@code db}. */
    static Object of(int db, byte[] key) {
        return db == 0 ? new ByteKey(key) : new DbKey(db, new ByteKey(key));
    }

    /** The key's bytes, whatever its database. */
    static ByteKey bytesOf(Object cacheKey) {
        return cacheKey instanceof DbKey dbKey ? dbKey.key() : (ByteKey) cacheKey;
    }
}
