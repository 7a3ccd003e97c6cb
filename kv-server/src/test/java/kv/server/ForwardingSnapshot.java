package kv.server;

import java.util.List;

import kv.server.store.KeyValueStore;

/** A store snapshot that passes every call to another; a test's subclass overrides what it watches or holds. */
abstract class ForwardingSnapshot implements KeyValueStore.Snapshot {

    private final KeyValueStore.Snapshot snapshot;

    ForwardingSnapshot(KeyValueStore.Snapshot snapshot) {
        this.snapshot = snapshot;
    }

    @Override
    public long count(byte[] prefix, byte[] pattern) {
        return snapshot.count(prefix, pattern);
    }

    @Override
    public KeyValueStore.CloseableIterator<KeyValueStore.Entry> entries(byte[] prefix, byte[] pattern, byte[] from) {
        return snapshot.entries(prefix, pattern, from);
    }

    @Override
    public List<KeyValueStore.Field> hashFields(KeyValueStore.Entry hash) {
        return snapshot.hashFields(hash);
    }

    @Override
    public void close() {
        snapshot.close();
    }
}
