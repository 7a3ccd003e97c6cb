package kv.client.connection;

/**
 * Where an answer came from. A kv-proxy says so in a RESP3 attribute ({@code |1 source cache}),
 * and only to a client that asked for it with {@code CLIENT KVSOURCE ON}; an answer without
 * that attribute came from the server the shell is connected to.
 */
public enum Source {

    /** The shell talks to a server directly (kv-server or Redis), or the proxy did not say. */
    SERVER("from the server"),
    /** A kv-proxy answered from its own cache: the assignment's "Output from Proxy Server". */
    PROXY_CACHE("from the proxy's cache"),
    /** A kv-proxy asked its backend server for this answer. */
    PROXY_BACKEND("from the server, through the proxy");

    private final String description;

    Source(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }

    /** The meaning of the {@code source} attribute's value; null or unknown means the server. */
    public static Source fromAttribute(String value) {
        if ("cache".equalsIgnoreCase(value)) {
            return PROXY_CACHE;
        }
        if ("backend".equalsIgnoreCase(value)) {
            return PROXY_BACKEND;
        }
        return SERVER;
    }
}
