package kv.protocol.command;

/**
 * How kv's own services treat a command: the {@code "kv"} object of its spec. Redis's part of a
 * spec says what a command is; this part says what kv-server and kv-proxy do with it.
 *
 * @param groupCommit its writes may wait for the round's group commit: kv-server stages them
 *                    (no flush of the connection's staged writes before it runs) and kv-proxy may
 *                    pipeline a request of it that names one key
 * @param proxy how kv-proxy answers it
 * @param merge how kv-proxy combines the replies of a request split over several backends
 */
public record KvTraits(boolean groupCommit, ProxyRoute proxy, Merge merge) {

    /** How kv-proxy answers a command. */
    public enum ProxyRoute {
        /** A read of one key that the proxy's cache answers when it coherently can (GET). */
        CACHE,
        /** Sent to the backend that owns its keys; split by owner and merged when they are on several. */
        OWNER,
        /** Sent to every backend, and the replies merged (DBSIZE, FLUSHDB). */
        ALL,
        /** Answered by the proxy itself, by a handler of its own (PING, CLIENT, INFO). */
        LOCAL,
        /** Not through the proxy: refused with a clear error; send it to a server directly. */
        NONE
    }

    /** How replies from several backends combine into one. */
    public enum Merge {
        /** The command cannot be split: all its keys must live on one backend. */
        NONE,
        /** Arrays put back in the order of the request's keys (MGET). */
        IN_KEY_ORDER,
        /** Integers added up (DEL, EXISTS, DBSIZE). */
        SUM,
        /** +OK if every part said +OK, else the first error (MSET, FLUSHDB). */
        ALL_OK,
        /** Flat key, value arrays merged back into key order (DUMP). */
        SORTED_PAIRS,
        /** Arrays joined, backend after backend (KEYS). */
        CONCAT
    }

    /** What a spec without a {@code "kv"} object gets: a subcommand inherits its container's routing. */
    static final KvTraits NONE = new KvTraits(false, ProxyRoute.NONE, Merge.NONE);
}
