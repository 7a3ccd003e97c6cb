package kv.protocol.command;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import kv.protocol.resp.Ascii;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/**
 * Every command kv knows, read once from the specs in {@code kv/commands/*.json} (see
 * {@code kv-protocol/src/main/resources/kv/commands/README.md}). Adding a command is adding its
 * spec and its handler; kv-server and kv-proxy refuse to start while a spec has no handler (or,
 * in the proxy, no route).
 */
public final class CommandTable {

    /** Where the specs are, on the classpath. */
    static final String SPECS = "classpath*:kv/commands/*.json";

    private static final Map<String, CommandSpec> COMMANDS = load();
    /** The specs by name length and first letter, for {@link #lookup} without a String per request. */
    private static final CommandSpec[][] BUCKETS = buckets();

    private CommandTable() {
    }

    private static Map<String, CommandSpec> load() {
        Map<String, CommandSpec> top = new TreeMap<>();
        Map<String, List<CommandSpec>> subs = new HashMap<>();
        try {
            for (Resource resource : new PathMatchingResourcePatternResolver().getResources(SPECS)) {
                try (InputStream in = resource.getInputStream()) {
                    CommandSpecReader.Parsed parsed = CommandSpecReader.read(resource.getFilename(), in);
                    if (parsed.container() == null) {
                        if (top.put(parsed.spec().name(), parsed.spec()) != null) {
                            throw new IllegalStateException("two specs for " + parsed.spec().name());
                        }
                    }
                    else {
                        subs.computeIfAbsent(parsed.container(), c -> new ArrayList<>()).add(parsed.spec());
                    }
                }
            }
        }
        catch (IOException e) {
            throw new IllegalStateException("cannot read the command specs", e);
        }
        if (top.isEmpty()) {
            throw new IllegalStateException("no command specs found at " + SPECS);
        }
        subs.forEach((container, specs) -> {
            CommandSpec parent = top.get(container);
            if (parent == null) {
                throw new IllegalStateException("subcommands of an unknown command: " + container);
            }
            top.put(container, CommandSpecReader.withSubcommands(parent, specs));
        });
        return Collections.unmodifiableMap(new java.util.LinkedHashMap<>(top));
    }

    private static CommandSpec[][] buckets() {
        List<List<CommandSpec>> lists = new ArrayList<>();
        for (int i = 0; i < 32 * 32; i++) {
            lists.add(new ArrayList<>());
        }
        COMMANDS.values().forEach(spec -> lists.get(bucket(spec.name().getBytes(StandardCharsets.US_ASCII))).add(spec));
        CommandSpec[][] buckets = new CommandSpec[lists.size()][];
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = lists.get(i).toArray(CommandSpec[]::new);
        }
        return buckets;
    }

    private static int bucket(byte[] name) {
        return (name.length & 31) * 32 + (name.length == 0 ? 0 : name[0] & 31);
    }

    /** The spec of the command a request names (its first word, in any case), or null: allocates nothing. */
    public static CommandSpec lookup(byte[] name) {
        for (CommandSpec spec : BUCKETS[bucket(name)]) {
            if (Ascii.equalsIgnoreCase(name, spec.name())) {
                return spec;
            }
        }
        return null;
    }

    /** Looks up a command by its lower-case name. */
    public static Optional<CommandSpec> find(String lowerCaseName) {
        return Optional.ofNullable(COMMANDS.get(lowerCaseName));
    }

    /** Like {@link #find} but null when unknown, for the hot path. */
    public static CommandSpec get(String lowerCaseName) {
        return COMMANDS.get(lowerCaseName);
    }

    /** Every command, in name order (subcommands are in their container's {@link CommandSpec#subcommands}). */
    public static Collection<CommandSpec> all() {
        return COMMANDS.values();
    }
}
