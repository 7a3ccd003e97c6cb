package kv.client.command;

import kv.protocol.command.CommandFlag;
import kv.protocol.command.CommandSpec;

/** The help headings, derived from each command's flags in the shared command table. */
public final class CommandGroups {

    public static final String KEYS = "Keys and values";
    public static final String CONNECTION = "Connection";
    public static final String SERVER = "Server";
    public static final String SHELL = "Shell";

    private CommandGroups() {
    }

    public static String of(CommandSpec spec) {
        if (spec.is(CommandFlag.CONNECTION)) {
            return CONNECTION;
        }
        if (spec.is(CommandFlag.READ) || spec.is(CommandFlag.WRITE)) {
            return KEYS;
        }
        return SERVER;
    }

    /** {@code GET key}: the name as the assignment writes it, then the table's syntax. */
    public static String usage(CommandSpec spec) {
        String name = spec.name().toUpperCase(java.util.Locale.ROOT);
        return spec.syntax().isEmpty() ? name : name + " " + spec.syntax();
    }
}
