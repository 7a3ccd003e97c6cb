package kv.protocol.command;

import static kv.protocol.command.CommandFlag.ADMIN;
import static kv.protocol.command.CommandFlag.CONNECTION;
import static kv.protocol.command.CommandFlag.FAST;
import static kv.protocol.command.CommandFlag.READ;
import static kv.protocol.command.CommandFlag.WRITE;

import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Every command kv knows, declared once. Adding a command starts here; the server then needs a
 * handler for it (a test fails until it has one).
 */
public final class CommandTable {

    private static final Map<String, CommandSpec> COMMANDS = new LinkedHashMap<>();

    static {
        // Keys and values
        add("put", -3, flags(WRITE), 1, 1, 1, "key [=] value",
                "Store a value under a key (the assignment's form: PUT key = value)");
        add("set", -3, flags(WRITE), 1, 1, 1, "key value [NX|XX] [GET]", "Store a value under a key");
        add("get", 2, flags(READ, FAST), 1, 1, 1, "key", "Get the value of a key");
        add("mget", -2, flags(READ, FAST), 1, -1, 1, "key [key ...]", "Get the values of several keys");
        add("mset", -3, flags(WRITE), 1, -1, 2, "key value [key value ...]", "Store several keys at once");
        add("del", -2, flags(WRITE), 1, -1, 1, "key [key ...]", "Delete keys; replies how many existed");
        add("exists", -2, flags(READ, FAST), 1, -1, 1, "key [key ...]", "Count how many of the keys exist");
        add("dump", -1, flags(READ), 0, 0, 0, "[pattern]",
                "List stored key/value pairs in key order, optionally matching a glob pattern");
        add("dbsize", 1, flags(READ, FAST), 0, 0, 0, "", "Number of keys stored");
        add("flushdb", -1, flags(WRITE, ADMIN), 0, 0, 0, "[SYNC|ASYNC]", "Delete every key");
        // Connection
        add("ping", -1, flags(FAST, CONNECTION), 0, 0, 0, "[message]", "Check the connection");
        add("echo", 2, flags(FAST, CONNECTION), 0, 0, 0, "message", "Reply with the message");
        add("quit", -1, flags(FAST, CONNECTION), 0, 0, 0, "", "Close the connection");
        add("hello", -1, flags(FAST, CONNECTION), 0, 0, 0, "[protover [SETNAME name]]",
                "Choose RESP2 or RESP3 and describe the server");
        add("client", -2, flags(CONNECTION), 0, 0, 0, "SETNAME name|GETNAME|ID|INFO|LIST|TRACKING on|off ...",
                "Inspect or name this connection, or ask for key invalidation messages");
        add("select", 2, flags(FAST, CONNECTION), 0, 0, 0, "index", "Select database 0 (the only one)");
        // Server
        add("info", -1, flags(ADMIN), 0, 0, 0, "[section ...]", "Server information and statistics");
        add("command", -1, flags(CONNECTION), 0, 0, 0, "[COUNT|INFO name ...|DOCS|LIST]",
                "Describe the commands this server knows");
        add("config", -2, flags(ADMIN), 0, 0, 0, "GET parameter [parameter ...]", "Read configuration values");
        add("time", 1, flags(FAST), 0, 0, 0, "", "The server's time: seconds and microseconds");
    }

    private CommandTable() {
    }

    private static EnumSet<CommandFlag> flags(CommandFlag first, CommandFlag... rest) {
        return EnumSet.of(first, rest);
    }

    private static void add(String name, int arity, EnumSet<CommandFlag> flags, int firstKey, int lastKey, int step,
                            String syntax, String summary) {
        COMMANDS.put(name, new CommandSpec(name, arity, Collections.unmodifiableSet(flags), firstKey, lastKey, step,
                syntax, summary));
    }

    /** Looks up a command by its lower-case name. */
    public static Optional<CommandSpec> find(String lowerCaseName) {
        return Optional.ofNullable(COMMANDS.get(lowerCaseName));
    }

    /** Like {@link #find} but null when unknown, for the hot path. */
    public static CommandSpec get(String lowerCaseName) {
        return COMMANDS.get(lowerCaseName);
    }

    public static Collection<CommandSpec> all() {
        return Collections.unmodifiableCollection(COMMANDS.values());
    }
}
