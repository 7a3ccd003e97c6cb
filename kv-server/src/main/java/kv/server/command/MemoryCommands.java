package kv.server.command;

import java.util.List;
import java.util.Map;

import kv.protocol.command.CommandGroup;
import kv.protocol.command.CommandHandler;
import kv.protocol.ops.OpsCommandGroup;
import kv.protocol.resp.Replies;
import kv.protocol.resp.RespValue;
import kv.protocol.resp.Request;
import kv.server.session.ClientSession;
import kv.server.store.HashMeta;
import kv.server.store.KeyValueStore;
import org.springframework.stereotype.Component;

/**
 * {@code MEMORY USAGE key [SAMPLES count]} and {@code MEMORY HELP}. Unlike Redis, whose answer is
 * what its allocator holds for the key in memory, kv's is an estimate of what the key costs
 * in RocksDB before compression: each record's key and value as stored (the database prefix,
 * the value's header with its expiry, a hash's field keys with their version) plus
 * {@link #RECORD_OVERHEAD} bytes per record, and the expiry index's record for a key with a TTL.
 * A hash's fields are sampled as Redis samples a hash: the first {@code count} (default 5,
 * 0 all), their mean times the number of fields.
 */
@Component
public class MemoryCommands implements CommandGroup<ClientSession> {

    /** RocksDB's per-record internal key trailer (sequence number and type). */
    static final int RECORD_OVERHEAD = 8;
    /** A value's header: type byte, then the expiry time if it has one. */
    private static final int HEADER = 1;
    private static final int EXPIRY = 8;
    private static final int HASH_META = 17;
    /** A field key: database byte, name length (4), name, version (8), then the field's name. */
    private static final int FIELD_KEY_FIXED = 1 + 4 + 8;
    private static final long DEFAULT_SAMPLES = 5;

    private final KeyValueStore store;
    private final Databases databases;

    public MemoryCommands(KeyValueStore store, Databases databases) {
        this.store = store;
        this.databases = databases;
    }

    @Override
    public void register(Map<String, CommandHandler<ClientSession>> handlers) {
        handlers.put("memory", this::memory);
    }

    RespValue memory(Request request, ClientSession session) {
        RespValue arity = OpsCommandGroup.subcommandArity(request);
        if (arity != null) {
            return arity;
        }
        if (request.argIs(1, "help")) {
            return Replies.help("MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                    "USAGE <key> [SAMPLES <count>]",
                    "    Return memory in bytes used by <key> and its value. Nested values are",
                    "    sampled up to <count> times (default: 5, 0 means sample all).",
                    "HELP",
                    "    Prints this help.");
        }
        if (!request.argIs(1, "usage")) {
            return OpsCommandGroup.unknownSubcommand(request, "MEMORY"); // DOCTOR, STATS, ...: not in kv
        }
        long samples = DEFAULT_SAMPLES;
        for (int i = 3; i < request.size(); i++) {
            if (!request.argIs(i, "samples") || i + 1 >= request.size()) {
                return Replies.SYNTAX_ERROR;
            }
            try {
                samples = Long.parseLong(request.argString(++i));
            }
            catch (NumberFormatException e) {
                return Replies.error("ERR value is not an integer or out of range");
            }
            if (samples < 0) {
                return Replies.SYNTAX_ERROR;
            }
        }
        byte[] key = databases.key(session, request.arg(2));
        KeyValueStore.Entry entry = store.get(key);
        if (entry == null) {
            return Replies.NULL;
        }
        return Replies.integer(usage(key, entry, samples == 0 ? Integer.MAX_VALUE : (int) Math.min(samples, Integer.MAX_VALUE)));
    }

    private long usage(byte[] key, KeyValueStore.Entry entry, int samples) {
        long header = HEADER + (entry.expires() ? EXPIRY : 0);
        long expiryIndex = entry.expires() ? EXPIRY + key.length + RECORD_OVERHEAD : 0;
        if (!entry.isHash()) {
            return key.length + header + entry.value().length + RECORD_OVERHEAD + expiryIndex;
        }
        long meta = key.length + header + HASH_META + RECORD_OVERHEAD + expiryIndex;
        long fields = HashMeta.of(entry).length();
        if (fields == 0) {
            return meta;
        }
        List<KeyValueStore.Field> sampled = store.hashFields(key, new byte[0], (int) Math.min(samples, fields));
        if (sampled.isEmpty()) {
            return meta;
        }
        long bytes = 0;
        for (KeyValueStore.Field field : sampled) {
            bytes += FIELD_KEY_FIXED + (key.length - 1) + field.name().length + field.value().length + RECORD_OVERHEAD;
        }
        return meta + Math.round((double) bytes / sampled.size() * fields);
    }
}
