package kv.compat.support;

/** A service the judges talk to: the reference and the two kv services under judgement. */
public enum Target {
    /** Debian's redis-server: the reference. */
    REDIS("redis"),
    /** A kv-server of its own. */
    KV_SERVER("kv-server"),
    /** A kv-proxy in front of another kv-server (not the one above: each request must reach one store once). */
    KV_PROXY("kv-proxy");

    private final String label;

    Target(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public int port() {
        return Services.get().port(this);
    }

    /** True for the services being judged, false for the reference. */
    public boolean isKv() {
        return this != REDIS;
    }

    @Override
    public String toString() {
        return label;
    }
}
