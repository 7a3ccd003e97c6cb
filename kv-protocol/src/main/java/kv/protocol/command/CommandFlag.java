package kv.protocol.command;

import java.util.Locale;

/**
 * Redis's command flags ({@code command_flags} in a spec, the third element of {@code COMMAND INFO}),
 * with their meaning as Redis defines it. kv's services read {@link #WRITE}, {@link #READONLY},
 * {@link #FAST} and {@link #ADMIN}; the others are kept so that {@code COMMAND INFO} answers as Redis does.
 */
public enum CommandFlag {
    /** May change the keyspace. */
    WRITE,
    /** Only reads keys. */
    READONLY,
    /** May grow memory; refused when out of memory. */
    DENYOOM,
    /** Administration: dangerous or internal. */
    ADMIN,
    PUBSUB,
    NOSCRIPT,
    BLOCKING,
    LOADING,
    STALE,
    SKIP_MONITOR,
    SKIP_SLOWLOG,
    /** Constant or logarithmic time: never delays the server noticeably. */
    FAST,
    NO_AUTH,
    MAY_REPLICATE,
    NO_MANDATORY_KEYS,
    /** Not run while a replica loads its data in the background (Redis 7.0; kv has no such loading). */
    NO_ASYNC_LOADING,
    NO_MULTI,
    ALLOW_BUSY,
    SENTINEL,
    ONLY_SENTINEL,
    /** Its keys cannot be found from the legacy first/last/step alone (set by the table, not by a spec). */
    MOVABLEKEYS;

    /** The flag as {@code COMMAND INFO} writes it: {@code readonly}, {@code no_auth}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    static CommandFlag parse(String text) {
        return valueOf(text.toUpperCase(Locale.ROOT));
    }
}
