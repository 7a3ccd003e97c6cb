package kv.server.store;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import kv.protocol.ByteKey;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

/**
 * What a replicated write batch does to the values column family, read from its bytes: the
 * keys it puts or deletes (each with what it holds at the end of the batch) and the ranges it
 * deletes. A node applying a batch it did not compute itself (a follower) derives from this
 * what its writer would have kept in memory: key counts, changed keys for WATCH, the value
 * cache and client tracking, keys created for the keyspace event {@code new}.
 */
final class ForeignBatch extends WriteBatch.Handler {

    private final int valuesFamily;
    /** Stored bytes at the end of the batch per key, null for deleted, in the batch's order. */
    final Map<ByteKey, byte[]> after = new LinkedHashMap<>();
    /** Deleted ranges, {from, to}. */
    final List<byte[][]> ranges = new ArrayList<>();

    private ForeignBatch(int valuesFamily) {
        this.valuesFamily = valuesFamily;
    }

    static ForeignBatch of(WriteBatch batch, int valuesFamily) throws RocksDBException {
        ForeignBatch read = new ForeignBatch(valuesFamily);
        try (read) {
            batch.iterate(read);
        }
        return read;
    }

    List<byte[]> keys() {
        List<byte[]> keys = new ArrayList<>(after.size());
        after.keySet().forEach(key -> keys.add(key.bytes()));
        return keys;
    }

    @Override
    public void put(int family, byte[] key, byte[] value) {
        if (family == valuesFamily) {
            after.put(new ByteKey(key), value);
        }
    }

    @Override
    public void put(byte[] key, byte[] value) {
        put(0, key, value);
    }

    @Override
    public void delete(int family, byte[] key) {
        if (family == valuesFamily) {
            after.put(new ByteKey(key), null);
        }
    }

    @Override
    public void delete(byte[] key) {
        delete(0, key);
    }

    @Override
    public void singleDelete(int family, byte[] key) {
        delete(family, key);
    }

    @Override
    public void singleDelete(byte[] key) {
        delete(0, key);
    }

    @Override
    public void deleteRange(int family, byte[] from, byte[] to) {
        if (family == valuesFamily) {
            ranges.add(new byte[][] {from, to});
        }
    }

    @Override
    public void deleteRange(byte[] from, byte[] to) {
        deleteRange(0, from, to);
    }

    // The store writes none of these.

    @Override
    public void merge(int family, byte[] key, byte[] value) {
    }

    @Override
    public void merge(byte[] key, byte[] value) {
    }

    @Override
    public void logData(byte[] blob) {
    }

    @Override
    public void putBlobIndex(int family, byte[] key, byte[] value) {
    }

    @Override
    public void markBeginPrepare() {
    }

    @Override
    public void markEndPrepare(byte[] xid) {
    }

    @Override
    public void markNoop(boolean emptyBatch) {
    }

    @Override
    public void markRollback(byte[] xid) {
    }

    @Override
    public void markCommit(byte[] xid) {
    }

    @Override
    public void markCommitWithTimestamp(byte[] xid, byte[] timestamp) {
    }
}
