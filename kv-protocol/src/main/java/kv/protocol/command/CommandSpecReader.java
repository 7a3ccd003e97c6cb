package kv.protocol.command;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads command specs: one JSON file per command, in the shape of Redis's {@code src/commands/*.json}
 * ({@code {"GET": {"arity": 2, "command_flags": [...], "key_specs": [...], "arguments": [...]}}})
 * plus kv's {@code "kv"} object. A subcommand's file names its {@code "container"}.
 */
final class CommandSpecReader {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** A spec as read, before subcommands are attached to their containers. */
    record Parsed(String container, CommandSpec spec) {
    }

    private CommandSpecReader() {
    }

    static Parsed read(String file, InputStream in) throws IOException {
        JsonNode root = JSON.readTree(in);
        if (root == null || !root.isObject() || root.size() != 1) {
            throw new IllegalStateException(file + ": expected one object named after the command");
        }
        Map.Entry<String, JsonNode> only = root.properties().iterator().next();
        JsonNode body = only.getValue();
        String container = text(body, "container");
        String own = only.getKey().toLowerCase(Locale.ROOT);
        String name = container == null ? own : container.toLowerCase(Locale.ROOT) + "|" + own;
        Set<CommandFlag> flags = EnumSet.noneOf(CommandFlag.class);
        for (JsonNode flag : body.path("command_flags")) {
            flags.add(CommandFlag.parse(flag.asString()));
        }
        List<KeySpec> keySpecs = new ArrayList<>();
        for (JsonNode keySpec : body.path("key_specs")) {
            keySpecs.add(keySpec(file, keySpec));
        }
        KvTraits kv = container != null ? KvTraits.NONE : kvTraits(file, body.get("kv"));
        int[] legacy = legacyRange(keySpecs, flags);
        CommandSpec spec = new CommandSpec(name, textOr(body, "summary", ""), textOr(body, "complexity", ""),
                textOr(body, "group", ""), textOr(body, "since", ""), required(file, body, "arity").asInt(),
                Collections.unmodifiableSet(flags), strings(body.path("acl_categories")),
                strings(body.path("command_tips")), List.copyOf(keySpecs), arguments(body.path("arguments")),
                Map.of(), kv, legacy[0], legacy[1], legacy[2]);
        return new Parsed(container == null ? null : container.toLowerCase(Locale.ROOT), spec);
    }

    /**
     * Redis's legacy first/last/step (populateCommandLegacyRangeSpec): one index/range spec is
     * taken as it is; contiguous ones with step 1 are combined; anything else makes the keys movable.
     */
    private static int[] legacyRange(List<KeySpec> specs, Set<CommandFlag> flags) {
        if (specs.isEmpty()) {
            return new int[] {0, 0, 0};
        }
        if (specs.size() == 1 && specs.get(0).isIndexRange()) {
            KeySpec only = specs.get(0);
            if (only.flags().contains("incomplete")) {
                flags.add(CommandFlag.MOVABLEKEYS);
            }
            int first = ((KeySpec.BeginSearch.Index) only.begin()).pos();
            KeySpec.FindKeys.Range range = (KeySpec.FindKeys.Range) only.find();
            return new int[] {first, range.lastKey() >= 0 ? first + range.lastKey() : range.lastKey(), range.step()};
        }
        int first = Integer.MAX_VALUE;
        int last = 0;
        int previousLast = 0;
        for (KeySpec spec : specs) {
            if (!spec.isIndexRange()) {
                flags.add(CommandFlag.MOVABLEKEYS);
                continue;
            }
            int pos = ((KeySpec.BeginSearch.Index) spec.begin()).pos();
            KeySpec.FindKeys.Range range = (KeySpec.FindKeys.Range) spec.find();
            if (range.step() != 1 || previousLast != 0 && previousLast != pos - 1) {
                flags.add(CommandFlag.MOVABLEKEYS);
                continue;
            }
            if (spec.flags().contains("incomplete")) {
                flags.add(CommandFlag.MOVABLEKEYS);
            }
            first = Math.min(first, pos);
            int absoluteLast = range.lastKey() >= 0 ? pos + range.lastKey() : range.lastKey();
            last = Integer.compareUnsigned(last, absoluteLast) >= 0 ? last : absoluteLast;
            previousLast = last;
        }
        if (first == Integer.MAX_VALUE) {
            flags.add(CommandFlag.MOVABLEKEYS);
            return new int[] {0, 0, 0};
        }
        return new int[] {first, last, 1};
    }

    private static KeySpec keySpec(String file, JsonNode node) {
        JsonNode begin = required(file, node, "begin_search");
        KeySpec.BeginSearch beginSearch;
        if (begin.has("index")) {
            beginSearch = new KeySpec.BeginSearch.Index(begin.get("index").path("pos").asInt());
        }
        else if (begin.has("keyword")) {
            JsonNode keyword = begin.get("keyword");
            beginSearch = new KeySpec.BeginSearch.Keyword(keyword.path("keyword").asString(),
                    keyword.path("startfrom").asInt());
        }
        else {
            throw new IllegalStateException(file + ": begin_search must be index or keyword");
        }
        JsonNode find = required(file, node, "find_keys");
        KeySpec.FindKeys findKeys;
        if (find.has("range")) {
            JsonNode range = find.get("range");
            findKeys = new KeySpec.FindKeys.Range(range.path("lastkey").asInt(), range.path("step").asInt(1),
                    range.path("limit").asInt());
        }
        else if (find.has("keynum")) {
            JsonNode keyNum = find.get("keynum");
            findKeys = new KeySpec.FindKeys.KeyNum(keyNum.path("keynumidx").asInt(), keyNum.path("firstkey").asInt(),
                    keyNum.path("step").asInt(1));
        }
        else {
            throw new IllegalStateException(file + ": find_keys must be range or keynum");
        }
        return new KeySpec(strings(node.path("flags")), beginSearch, findKeys, text(node, "notes"));
    }

    private static List<Argument> arguments(JsonNode list) {
        List<Argument> arguments = new ArrayList<>();
        for (JsonNode node : list) {
            arguments.add(new Argument(node.path("name").asString(), node.path("type").asString(),
                    text(node, "token"), text(node, "display"), node.path("key_spec_index").asInt(-1),
                    node.path("optional").asBoolean(), node.path("multiple").asBoolean(),
                    node.path("multiple_token").asBoolean(), text(node, "since"), arguments(node.path("arguments"))));
        }
        return List.copyOf(arguments);
    }

    private static KvTraits kvTraits(String file, JsonNode kv) {
        if (kv == null || !kv.has("proxy")) {
            throw new IllegalStateException(file + ": \"kv\": {\"proxy\": ...} is missing: say how kv-proxy"
                    + " answers the command (cache, owner, all, local or none)");
        }
        try {
            return new KvTraits(kv.path("group_commit").asBoolean(),
                    KvTraits.ProxyRoute.valueOf(kv.get("proxy").asString().toUpperCase(Locale.ROOT)),
                    KvTraits.Merge.valueOf(kv.path("merge").asString("none").toUpperCase(Locale.ROOT)));
        }
        catch (IllegalArgumentException e) {
            throw new IllegalStateException(file + ": bad \"kv\" object: " + e.getMessage(), e);
        }
    }

    private static JsonNode required(String file, JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null) {
            throw new IllegalStateException(file + ": \"" + field + "\" is missing");
        }
        return value;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asString();
    }

    private static String textOr(JsonNode node, String field, String otherwise) {
        String value = text(node, field);
        return value == null ? otherwise : value;
    }

    private static List<String> strings(JsonNode list) {
        List<String> strings = new ArrayList<>();
        list.forEach(node -> strings.add(node.asString()));
        return List.copyOf(strings);
    }

    /** The spec with its subcommands attached. */
    static CommandSpec withSubcommands(CommandSpec spec, List<CommandSpec> subs) {
        Map<String, CommandSpec> byName = new LinkedHashMap<>();
        subs.stream().sorted((a, b) -> a.name().compareTo(b.name()))
                .forEach(sub -> byName.put(sub.name().substring(sub.name().indexOf('|') + 1), sub));
        return new CommandSpec(spec.name(), spec.summary(), spec.complexity(), spec.group(), spec.since(),
                spec.arity(), spec.flags(), spec.aclCategories(), spec.tips(), spec.keySpecs(), spec.arguments(),
                Collections.unmodifiableMap(byName), spec.kv(), spec.firstKey(), spec.lastKey(), spec.keyStep());
    }
}
