package kv.client.command;

import java.util.List;
import java.util.Locale;

import kv.protocol.command.CommandSpec;

/** The help headings: each command's group from its spec (Redis's groups), plus the shell's own. */
public final class CommandGroups {

    public static final String SHELL = "Shell";

    /** Redis's command groups, in the order help lists them, with their headings. */
    private static final List<String[]> HEADINGS = List.of(
            new String[] {"string", "Strings"},
            new String[] {"generic", "Keys"},
            new String[] {"hash", "Hashes"},
            new String[] {"transactions", "Transactions"},
            new String[] {"scripting", "Scripting"},
            new String[] {"pubsub", "Pub/Sub"},
            new String[] {"connection", "Connection"},
            new String[] {"server", "Server"});

    private CommandGroups() {
    }

    /** The heading of {@code spec}'s group ("Strings" for GET); a group without one is capitalised. */
    public static String of(CommandSpec spec) {
        for (String[] heading : HEADINGS) {
            if (heading[0].equals(spec.group())) {
                return heading[1];
            }
        }
        String group = spec.group().isEmpty() ? "other" : spec.group();
        return Character.toUpperCase(group.charAt(0)) + group.substring(1);
    }

    /** The headings in help's order. */
    public static List<String> ordered() {
        return HEADINGS.stream().map(heading -> heading[1]).toList();
    }

    /** {@code GET key}: the name as the assignment writes it, then the spec's syntax. */
    public static String usage(CommandSpec spec) {
        String name = spec.name().toUpperCase(Locale.ROOT);
        return spec.syntax().isEmpty() ? name : name + " " + spec.syntax();
    }
}
