package kv.protocol.acl;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import kv.protocol.command.CommandFlag;
import kv.protocol.command.CommandSpec;
import kv.protocol.command.CommandTable;

/**
 * The ACL categories ({@code @read}, {@code @dangerous}, ...) of every command, taken from the
 * command specs: their {@code acl_categories} plus the ones Redis derives from the flags
 * ({@code setImplicitACLCategories}: write is @write, readonly @read unless @scripting, admin
 * @admin and @dangerous, pubsub @pubsub, fast @fast, blocking @blocking, and not @fast is @slow).
 */
public final class Categories {

    /** Redis's categories, in its order (ACL CAT lists them so). */
    public static final List<String> ALL = List.of("keyspace", "read", "write", "set", "sortedset", "list", "hash",
            "string", "bitmap", "hyperloglog", "geo", "stream", "pubsub", "admin", "fast", "slow", "blocking",
            "dangerous", "connection", "transaction", "scripting");

    /** Every command and subcommand by full name ({@code get}, {@code client|list}), in name order. */
    private static final Map<String, CommandSpec> COMMANDS = commands();
    private static final Map<String, Set<String>> OF = categories();

    private Categories() {
    }

    private static Map<String, CommandSpec> commands() {
        Map<String, CommandSpec> all = new TreeMap<>();
        for (CommandSpec spec : CommandTable.all()) {
            all.put(spec.name(), spec);
            spec.subcommands().values().forEach(sub -> all.put(sub.name(), sub));
        }
        return Collections.unmodifiableMap(all);
    }

    private static Map<String, Set<String>> categories() {
        Map<String, Set<String>> of = new TreeMap<>();
        COMMANDS.forEach((name, spec) -> of.put(name, Collections.unmodifiableSet(implicit(spec))));
        return of;
    }

    static Set<String> implicit(CommandSpec spec) {
        Set<String> categories = new LinkedHashSet<>();
        spec.aclCategories().forEach(category -> categories.add(category.toLowerCase(java.util.Locale.ROOT)
                .replace("@", "")));
        if (spec.is(CommandFlag.WRITE)) {
            categories.add("write");
        }
        if (spec.is(CommandFlag.READONLY) && !categories.contains("scripting")) {
            categories.add("read");
        }
        if (spec.is(CommandFlag.ADMIN)) {
            categories.add("admin");
            categories.add("dangerous");
        }
        if (spec.is(CommandFlag.PUBSUB)) {
            categories.add("pubsub");
        }
        if (spec.is(CommandFlag.FAST)) {
            categories.add("fast");
        }
        if (spec.is(CommandFlag.BLOCKING)) {
            categories.add("blocking");
        }
        if (!categories.contains("fast")) {
            categories.add("slow");
        }
        return categories;
    }

    /** True if {@code name} (lower case, no {@code @}) is a category. */
    public static boolean exists(String name) {
        return ALL.contains(name);
    }

    /** The categories of a command or subcommand by full name; empty if unknown. */
    public static Set<String> of(String fullName) {
        return OF.getOrDefault(fullName, Set.of());
    }

    /** Every command and subcommand, by full name. */
    public static Set<String> commandNames() {
        return COMMANDS.keySet();
    }

    /** The spec of a command or subcommand by its full lower-case name ({@code client|list}), or null. */
    public static CommandSpec command(String fullName) {
        return COMMANDS.get(fullName);
    }

    /** ACL CAT category: the full names of its commands, in name order. */
    public static List<String> commandsIn(String category) {
        List<String> names = new ArrayList<>();
        OF.forEach((name, categories) -> {
            if (categories.contains(category)) {
                names.add(name);
            }
        });
        return names;
    }
}
