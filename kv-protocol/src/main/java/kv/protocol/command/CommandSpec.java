package kv.protocol.command;

import java.util.Set;

/**
 * One command, declared as data: the server dispatches on it, the proxy routes by it and the
 * shell builds its help and completion from it.
 *
 * @param name lower-case name
 * @param arity Redis convention: N means exactly N words including the name, -N means at least N
 * @param flags what the command does
 * @param firstKey position of the first key argument, 0 if none
 * @param lastKey position of the last key, -1 for "the last argument", 0 if none
 * @param keyStep distance between keys (2 for MSET key value key value)
 * @param syntax arguments after the name, for help
 * @param summary one line for help
 */
public record CommandSpec(String name, int arity, Set<CommandFlag> flags, int firstKey, int lastKey, int keyStep,
                          String syntax, String summary) {

    public boolean is(CommandFlag flag) {
        return flags.contains(flag);
    }

    /** True if a request of {@code words} words (name included) has a legal arity. */
    public boolean acceptsArity(int words) {
        return arity >= 0 ? words == arity : words >= -arity;
    }

    public boolean hasKeys() {
        return firstKey > 0;
    }

    /** Position of the last key in a request of {@code words} words. */
    public int lastKeyIndex(int words) {
        return lastKey >= 0 ? lastKey : words + lastKey;
    }
}
