package kv.protocol.acl;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import kv.protocol.command.CommandSpec;

/**
 * Which commands a user may run: the set of allowed commands and subcommands by full name, the
 * first arguments allowed of a command that is otherwise not ({@code +select|0}), and the rules
 * that made them, for ACL LIST and GETUSER.
 *
 * <p>Design note: Redis 7.0 describes a user's commands by re-deriving a "best fit" of categories
 * from its command bitmap, over Redis's own command set and in its hash table's order; kv has
 * fewer commands, so that derivation would not give Redis's text anyway. kv keeps the rules as
 * given instead, as Redis 7.2 does: {@code +@all} or {@code -@all} first, then each rule once, in
 * the order last given (a rule for the same command or category given again moves to the end).
 * For one category or a few commands on {@code -@all} the text is Redis 7.0's.
 */
final class CommandRules {

    static final CommandRules NONE = new CommandRules(false, Set.of(), Map.of(), List.of());
    static final CommandRules ALL = new CommandRules(true, Set.copyOf(Categories.commandNames()), Map.of(), List.of());

    /** True after {@code +@all}: commands kv may add later are allowed too (Redis's future-commands bit). */
    private final boolean all;
    private final Set<String> allowed;
    private final Map<String, Set<String>> firstArgs;
    private final List<String> rules;

    private CommandRules(boolean all, Set<String> allowed, Map<String, Set<String>> firstArgs, List<String> rules) {
        this.all = all;
        this.allowed = allowed;
        this.firstArgs = firstArgs;
        this.rules = rules;
    }

    /** True if the command (a subcommand by its full name) may run with {@code firstArg} as its first argument. */
    boolean allows(String fullName, String firstArg) {
        if (allowed.contains(fullName)) {
            return true;
        }
        Set<String> args = firstArgs.get(fullName);
        return args != null && firstArg != null && args.contains(firstArg.toLowerCase(Locale.ROOT));
    }

    boolean allowsEverything() {
        return all && allowed.size() == Categories.commandNames().size();
    }

    /** The rules as ACL LIST writes them: {@code +@all}, {@code -@all +get +@string -append}. */
    String describe() {
        StringBuilder text = new StringBuilder(all ? "+@all" : "-@all");
        rules.forEach(rule -> text.append(' ').append(rule));
        return text.toString();
    }

    /**
     * These rules with one more applied: {@code allcommands}, {@code nocommands}, {@code +cmd},
     * {@code -cmd}, {@code +cmd|sub}, {@code +cmd|firstarg}, {@code +@cat}, {@code -@cat}.
     *
     * @throws AclException if the command or category is unknown
     */
    CommandRules with(String rule) {
        return applied(rule).pruned();
    }

    /**
     * The same permissions without the rules that change nothing ({@code -get} right after
     * {@code -@all}): Redis 7.0 describes the permissions, not the rules, so such a rule never shows.
     */
    private CommandRules pruned() {
        // Until nothing more goes: a rule needed only beside one that went (+get after +get|x,
        // where +get|x then goes) changes nothing in the end, and written back it would go on the
        // next parse, so ACL LIST / ACL SAVE would not read back as they were written.
        List<String> kept = new ArrayList<>(rules);
        boolean dropped = true;
        while (dropped) {
            dropped = false;
            for (int i = kept.size() - 1; i >= 0; i--) {
                List<String> without = new ArrayList<>(kept);
                without.remove(i);
                CommandRules replayed = all ? ALL : NONE;
                for (String each : without) {
                    replayed = replayed.applied(each);
                }
                if (replayed.allowed.equals(allowed) && replayed.firstArgs.equals(firstArgs)) {
                    kept = without;
                    dropped = true;
                }
            }
        }
        return kept.size() == rules.size() ? this : new CommandRules(all, allowed, firstArgs, List.copyOf(kept));
    }

    private CommandRules applied(String rule) {
        String lower = rule.toLowerCase(Locale.ROOT);
        if (lower.equals("allcommands") || lower.equals("+@all")) {
            return ALL;
        }
        if (lower.equals("nocommands") || lower.equals("-@all")) {
            return NONE;
        }
        boolean allow = lower.charAt(0) == '+';
        String name = lower.substring(1);
        Set<String> nowAllowed = new HashSet<>(allowed);
        Map<String, Set<String>> nowFirstArgs = new HashMap<>(firstArgs);
        if (name.startsWith("@")) {
            String category = name.substring(1);
            if (!Categories.exists(category)) {
                throw AclException.unknownCommand(rule);
            }
            for (String command : Categories.commandsIn(category)) {
                change(nowAllowed, nowFirstArgs, command, allow);
            }
        }
        else {
            int bar = name.indexOf('|');
            String base = bar < 0 ? name : name.substring(0, bar);
            CommandSpec spec = Categories.command(base);
            if (spec == null || base.isEmpty()) {
                throw AclException.unknownCommand(rule);
            }
            if (bar < 0) {
                change(nowAllowed, nowFirstArgs, base, allow);
            }
            else if (!spec.subcommands().isEmpty()) {
                CommandSpec sub = Categories.command(name);
                if (sub == null) {
                    throw name.indexOf('|', bar + 1) > 0 && Categories.command(name.substring(0, name.indexOf('|', bar + 1))) != null
                            ? new AclException(rule, "Allowing first-arg of a subcommand is not supported")
                            : AclException.unknownCommand(rule);
                }
                change(nowAllowed, nowFirstArgs, name, allow);
            }
            else {
                String firstArg = name.substring(bar + 1);
                if (!allow || firstArg.isEmpty() || firstArg.indexOf('|') >= 0) {
                    throw AclException.unknownCommand(rule);
                }
                Set<String> args = new LinkedHashSet<>(nowFirstArgs.getOrDefault(base, Set.of()));
                args.add(firstArg);
                nowFirstArgs.put(base, Collections.unmodifiableSet(args));
            }
        }
        List<String> nowRules = new ArrayList<>(rules);
        nowRules.removeIf(old -> old.substring(1).equals(name));
        nowRules.add((allow ? "+" : "-") + name);
        return new CommandRules(all, Set.copyOf(nowAllowed), Map.copyOf(nowFirstArgs), List.copyOf(nowRules));
    }

    /** Allows or forbids a command and, for a container, every subcommand of it; its first-args go. */
    private static void change(Set<String> allowed, Map<String, Set<String>> firstArgs, String fullName, boolean allow) {
        CommandSpec spec = Categories.command(fullName);
        List<String> names = new ArrayList<>();
        names.add(fullName);
        spec.subcommands().values().forEach(sub -> names.add(sub.name()));
        for (String name : names) {
            if (allow) {
                allowed.add(name);
            }
            else {
                allowed.remove(name);
            }
            firstArgs.remove(name);
        }
    }
}
