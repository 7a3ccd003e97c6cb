package kv.protocol.command;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import kv.protocol.resp.Request;

/**
 * One command, declared as data in {@code kv/commands/<name>.json} (Redis's {@code src/commands}
 * format plus a {@code "kv"} object): the server dispatches on it, the proxy routes by it, the
 * shell builds its help and completion from it, and {@code COMMAND INFO|DOCS} answer it.
 *
 * @param name lower-case name; a subcommand's is {@code container|sub}, as Redis names it
 * @param arity Redis convention: N means exactly N words including the name, -N means at least N
 * @param flags Redis's command flags, plus {@link CommandFlag#MOVABLEKEYS} where the legacy range
 *              cannot describe the keys
 * @param aclCategories Redis's ACL categories, without the {@code @}
 * @param tips Redis's command tips ({@code request_policy:all_shards})
 * @param subcommands by lower-case subcommand name, for a container such as CLIENT
 * @param firstKey legacy first key position, 0 if none (derived from the key specs as Redis does)
 * @param lastKey legacy last key: a position, or negative from the end (-1: the last argument)
 * @param keyStep legacy distance between keys (2 for MSET key value key value)
 */
public record CommandSpec(String name, String summary, String complexity, String group, String since, int arity,
                          Set<CommandFlag> flags, List<String> aclCategories, List<String> tips,
                          List<KeySpec> keySpecs, List<Argument> arguments, Map<String, CommandSpec> subcommands,
                          KvTraits kv, int firstKey, int lastKey, int keyStep) {

    public boolean is(CommandFlag flag) {
        return flags.contains(flag);
    }

    /** True if a request of {@code words} words (name included) has a legal arity. */
    public boolean acceptsArity(int words) {
        return arity >= 0 ? words == arity : words >= -arity;
    }

    public boolean hasKeys() {
        return !keySpecs.isEmpty();
    }

    /** Position of the last key in a request of {@code words} words, by the legacy range. */
    public int lastKeyIndex(int words) {
        return lastKey >= 0 ? lastKey : words + lastKey;
    }

    /** True if a request of {@code words} words names exactly one key (SET k v, MSET k v; not MSET k v k v). */
    public boolean namesOneKey(int words) {
        return keySpecs.size() == 1 && firstKey > 0 && !is(CommandFlag.MOVABLEKEYS)
                && lastKeyIndex(words) < firstKey + Math.max(1, keyStep);
    }

    /**
     * The keys of {@code request}, found by the key specs as Redis finds them: the one way every
     * service extracts keys (tracking, routing, invalidation).
     */
    public List<byte[]> keys(Request request) {
        List<byte[]> keys = new ArrayList<>(Math.max(1, request.size() - 1));
        for (KeySpec spec : keySpecs) {
            addKeys(request, spec, keys);
        }
        return keys;
    }

    /** The keys of {@code request} that one of this command's key specs finds. */
    public List<byte[]> keys(Request request, KeySpec spec) {
        List<byte[]> keys = new ArrayList<>(2);
        addKeys(request, spec, keys);
        return keys;
    }

    /**
     * Where in {@code request} the keys one of this command's key specs finds are (ACL checks
     * each spec's access, and names the position of a refused key as Redis does).
     */
    public List<Integer> keyPositions(Request request, KeySpec spec) {
        List<Integer> positions = new ArrayList<>(2);
        forEachKeyPosition(request, spec, positions::add);
        return positions;
    }

    private static void addKeys(Request request, KeySpec spec, List<byte[]> keys) {
        forEachKeyPosition(request, spec, position -> keys.add(request.arg(position)));
    }

    private static void forEachKeyPosition(Request request, KeySpec spec, java.util.function.IntConsumer action) {
        int words = request.size();
        int begin = spec.begin() instanceof KeySpec.BeginSearch.Index index ? index.pos()
                : keywordPosition(request, (KeySpec.BeginSearch.Keyword) spec.begin());
        if (begin <= 0 || begin >= words) {
            return;
        }
        int first;
        int last;
        int step;
        if (spec.find() instanceof KeySpec.FindKeys.Range range) {
            first = begin;
            step = range.step();
            if (range.lastKey() >= 0) {
                last = first + range.lastKey();
            }
            else if (range.limit() <= 1) {
                last = words + range.lastKey();
            }
            else {
                last = first + (words - first) / range.limit() + range.lastKey();
            }
        }
        else {
            KeySpec.FindKeys.KeyNum keyNum = (KeySpec.FindKeys.KeyNum) spec.find();
            int count;
            try {
                count = Integer.parseInt(request.argString(begin + keyNum.keyNumIdx()));
            }
            catch (NumberFormatException | IndexOutOfBoundsException e) {
                return; // the command's own check reports it
            }
            first = begin + keyNum.firstKey();
            step = keyNum.step();
            last = first + (count - 1) * step;
        }
        for (int i = first; i <= last && i < words; i += Math.max(1, step)) {
            action.accept(i);
        }
    }

    private static int keywordPosition(Request request, KeySpec.BeginSearch.Keyword keyword) {
        int words = request.size();
        if (keyword.startFrom() >= 0) {
            for (int i = keyword.startFrom(); i < words; i++) {
                if (request.argIs(i, keyword.keyword())) {
                    return i + 1;
                }
            }
        }
        else {
            for (int i = words + keyword.startFrom(); i > 0; i--) {
                if (request.argIs(i, keyword.keyword())) {
                    return i + 1;
                }
            }
        }
        return -1;
    }

    /** The arguments after the name, for help: {@code key value [NX|XX] [GET]}. */
    public String syntax() {
        if (arguments.isEmpty() && !subcommands.isEmpty()) {
            List<String> choices = new ArrayList<>();
            subcommands.values().forEach(sub -> choices.add(
                    (sub.name().substring(sub.name().indexOf('|') + 1).toUpperCase(java.util.Locale.ROOT)
                            + " " + sub.syntax()).trim()));
            return String.join(" | ", choices);
        }
        StringBuilder text = new StringBuilder();
        for (Argument argument : arguments) {
            if (!text.isEmpty()) {
                text.append(' ');
            }
            text.append(argument.syntax());
        }
        return text.toString();
    }
}
