package kv.protocol.command;

/** What a command does, as far as dispatch, routing and caching need to know. */
public enum CommandFlag {
    /** Reads keys; a proxy may answer it from its cache. */
    READ,
    /** Changes keys; a proxy sends it to the owner and invalidates what it cached. */
    WRITE,
    /** Server administration; not forwarded by a proxy. */
    ADMIN,
    /** Acts on the connection itself (HELLO, CLIENT, QUIT); answered by whoever holds the connection. */
    CONNECTION,
    /** Constant-time. */
    FAST
}
