package kv.server.store;

import java.util.List;
import java.util.function.Predicate;

/**
 * A {@link KeyValueStore} that passes every call to another; a subclass overrides what it adds
 * to (the value cache in {@link CachedStore}, or a test's slowed-down reads).
 */
public abstract class ForwardingStore implements KeyValueStore {

    protected final KeyValueStore store;

    protected ForwardingStore(KeyValueStore store) {
        this.store = store;
    }

    @Override
    public byte[] get(byte[] key) {
        return store.get(key);
    }

    @Override
    public List<byte[]> getAll(List<byte[]> keys) {
        return store.getAll(keys);
    }

    @Override
    public void put(byte[] key, byte[] value) {
        store.put(key, value);
    }

    @Override
    public void putAll(List<Entry> entries) {
        store.putAll(entries);
    }

    @Override
    public byte[] putIf(byte[] key, byte[] value, Predicate<byte[]> condition) {
        return store.putIf(key, value, condition);
    }

    @Override
    public long delete(List<byte[]> keys) {
        return store.delete(keys);
    }

    @Override
    public long countExisting(List<byte[]> keys) {
        return store.countExisting(keys);
    }

    @Override
    public Snapshot snapshot() {
        return store.snapshot();
    }

    @Override
    public long estimatedSize() {
        return store.estimatedSize();
    }

    @Override
    public void clear() {
        store.clear();
    }

    @Override
    public String problem() {
        return store.problem();
    }

    @Override
    public void close() {
        store.close();
    }
}
