package kv.server.store;

import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

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
    public Entry get(byte[] key) {
        return store.get(key);
    }

    @Override
    public List<Entry> getAll(List<byte[]> keys) {
        return store.getAll(keys);
    }

    @Override
    public void put(Entry entry) {
        store.put(entry);
    }

    @Override
    public void putAll(List<Entry> entries) {
        store.putAll(entries);
    }

    @Override
    public void putAll(List<Entry> entries, List<Entry> known) {
        store.putAll(entries, known);
    }

    @Override
    public List<Entry> update(List<byte[]> keys, Function<List<Entry>, List<Entry>> change) {
        return store.update(keys, change);
    }

    @Override
    public List<byte[]> expireDue(long now, int limit) {
        return store.expireDue(now, limit);
    }

    @Override
    public long size(byte[] prefix) {
        return store.size(prefix);
    }

    @Override
    public long expiring(byte[] prefix) {
        return store.expiring(prefix);
    }

    @Override
    public long storedBytes() {
        return store.storedBytes();
    }

    @Override
    public void clear(byte[] prefix) {
        store.clear(prefix);
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
    public List<byte[]> hashGet(byte[] key, List<byte[]> fields) {
        return store.hashGet(key, fields);
    }

    @Override
    public List<byte[]> hashGet(Entry hash, List<byte[]> fields) {
        return store.hashGet(hash, fields);
    }

    @Override
    public Field hashLastField(byte[] key) {
        return store.hashLastField(key);
    }

    @Override
    public List<Field> hashFields(byte[] key, byte[] from, int limit) {
        return store.hashFields(key, from, limit);
    }

    @Override
    public List<Field> hashUpdate(byte[] key, List<byte[]> fields, Function<List<byte[]>, List<Field>> change) {
        return store.hashUpdate(key, fields, change);
    }

    @Override
    public StoreMemory memory() {
        return store.memory();
    }

    @Override
    public StoreCounters counters() {
        return store.counters();
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
    public <T> T atomically(Supplier<T> body) {
        return store.atomically(body);
    }

    @Override
    public boolean inAtomicUnit() {
        return store.inAtomicUnit();
    }

    @Override
    public void announceNewKeys(java.util.function.Consumer<byte[]> listener) {
        store.announceNewKeys(listener);
    }

    @Override
    public boolean acceptsWrites() {
        return store.acceptsWrites();
    }

    /** The store this one forwards to. */
    public KeyValueStore delegate() {
        return store;
    }

    @Override
    public void observe(WriteObserver observer) {
        store.observe(observer);
    }

    @Override
    public void checkpoint(java.nio.file.Path target) {
        store.checkpoint(target);
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
