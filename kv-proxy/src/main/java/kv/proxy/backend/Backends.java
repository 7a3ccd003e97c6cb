package kv.proxy.backend;

import java.util.List;

/** The backends behind the proxy and the hash ring that says which one owns a key. */
public final class Backends implements AutoCloseable {

    private final List<Backend> all;
    private final HashRing<Backend> ring;

    public Backends(List<Backend> all) {
        this.all = List.copyOf(all);
        this.ring = new HashRing<>(all);
    }

    public List<Backend> all() {
        return all;
    }

    public Backend owner(byte[] key) {
        return ring.owner(key);
    }

    /** Closes every backend's connections (Spring calls this on shutdown). */
    @Override
    public void close() {
        all.forEach(Backend::close);
    }
}
