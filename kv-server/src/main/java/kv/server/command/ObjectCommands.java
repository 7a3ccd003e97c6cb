package kv.server.command;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import kv.protocol.command.CommandGroup;
import kv.protocol.command.CommandHandler;
import kv.protocol.resp.Replies;
import kv.protocol.resp.RespValue;
import kv.protocol.resp.Request;
import kv.server.session.ClientSession;
import kv.server.store.KeyValueStore;
import org.springframework.stereotype.Component;

/**
 * {@code OBJECT ENCODING|FREQ|IDLETIME|REFCOUNT|HELP key}, answered as Redis 7.0 answers them for a
 * string, so that tools that ask (redis-cli --bigkeys, RDB tools, client libraries' debugging)
 * get Redis's answers: the encoding Redis would pick for the value, the refcount of its shared
 * integers. kv does not track access times: IDLETIME is 0, and FREQ answers Redis's error for a
 * server without an LFU policy (kv has no eviction policy).
 */
@Component
public class ObjectCommands implements CommandGroup<ClientSession> {

    /** Redis shares the integers 0..9999 (OBJ_SHARED_INTEGERS); OBJECT REFCOUNT shows them as INT_MAX. */
    private static final long SHARED_INTEGERS = 10_000;
    /** Strings up to this length are embstr in Redis (OBJ_ENCODING_EMBSTR_SIZE_LIMIT). */
    private static final int EMBSTR_LIMIT = 44;

    private static final List<String> HELP = List.of(
            "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
            "ENCODING <key>",
            "    Return the kind of internal representation used in order to store the value",
            "    associated with a <key>.",
            "FREQ <key>",
            "    Return the access frequency index of the <key>. The returned integer is",
            "    proportional to the logarithm of the recent access frequency of the key.",
            "IDLETIME <key>",
            "    Return the idle time of the <key>, that is the approximated number of",
            "    seconds elapsed since the last access to the key.",
            "REFCOUNT <key>",
            "    Return the number of references of the value associated with the specified",
            "    <key>.",
            "HELP",
            "    Prints this help.");

    private final KeyValueStore store;
    private final Databases databases;

    public ObjectCommands(KeyValueStore store, Databases databases) {
        this.databases = databases;
        this.store = store;
    }

    @Override
    public void register(Map<String, CommandHandler<ClientSession>> handlers) {
        handlers.put("object", this::object);
    }

    RespValue object(Request request, ClientSession session) {
        if (request.argIs(1, "help") && request.size() == 2) {
            List<RespValue> lines = new ArrayList<>(HELP.size());
            HELP.forEach(line -> lines.add(new RespValue.SimpleString(line)));
            return new RespValue.Array(lines);
        }
        boolean known = request.argIs(1, "encoding") || request.argIs(1, "freq") || request.argIs(1, "idletime")
                || request.argIs(1, "refcount");
        if (!known || request.size() != 3) {
            return known ? Replies.error("ERR wrong number of arguments for 'object|"
                    + request.argString(1).toLowerCase(java.util.Locale.ROOT) + "' command")
                    : Replies.error("ERR unknown subcommand '" + request.argString(1) + "'. Try OBJECT HELP.");
        }
        KeyValueStore.Entry entry = store.get(databases.key(session, request.arg(2)));
        if (entry == null) {
            return Replies.NULL;
        }
        if (entry.isHash()) {
            if (request.argIs(1, "encoding")) {
                return Replies.bulk(kv.server.store.HashMeta.of(entry).encoding());
            }
            if (request.argIs(1, "refcount")) {
                return Replies.integer(1);
            }
            if (request.argIs(1, "idletime")) {
                return Replies.integer(0);
            }
            return Replies.error(NO_LFU);
        }
        byte[] value = entry.value();
        if (request.argIs(1, "encoding")) {
            return Replies.bulk(asLong(value) != null ? "int" : value.length <= EMBSTR_LIMIT ? "embstr" : "raw");
        }
        if (request.argIs(1, "refcount")) {
            Long number = asLong(value);
            return Replies.integer(number != null && number >= 0 && number < SHARED_INTEGERS ? Integer.MAX_VALUE : 1);
        }
        if (request.argIs(1, "idletime")) {
            return Replies.integer(0);
        }
        return Replies.error(NO_LFU);
    }

    private static final String NO_LFU = "ERR An LFU maxmemory policy is not selected, access frequency not tracked."
            + " Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.";

    /** The value as Redis's string2ll reads it (no sign but '-', no leading zero, no spaces, fits a long), else null. */
    static Long asLong(byte[] value) {
        if (value.length == 0 || value.length > 20) {
            return null;
        }
        String text = new String(value, java.nio.charset.StandardCharsets.US_ASCII);
        boolean negative = text.charAt(0) == '-';
        String digits = negative ? text.substring(1) : text;
        if (digits.isEmpty() || digits.charAt(0) == '0' && (digits.length() > 1 || negative)) {
            return null;
        }
        for (int i = 0; i < digits.length(); i++) {
            if (digits.charAt(i) < '0' || digits.charAt(i) > '9') {
                return null;
            }
        }
        try {
            return Long.parseLong(text);
        }
        catch (NumberFormatException e) {
            return null; // out of range
        }
    }
}
