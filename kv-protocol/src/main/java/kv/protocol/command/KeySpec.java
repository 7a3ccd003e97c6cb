package kv.protocol.command;

import java.util.List;

/**
 * Where a command's keys are, as Redis 7 describes them (a key spec): a search for where the keys
 * begin, then a rule for how many follow. {@code COMMAND INFO} answers these, and the legacy
 * first/last/step of a command are derived from them.
 *
 * @param flags Redis's key-spec flags ({@code RO}, {@code RW}, {@code access}, {@code update}, ...)
 * @param notes a remark for people, or null
 */
public record KeySpec(List<String> flags, BeginSearch begin, FindKeys find, String notes) {

    /** Where the search for keys begins. */
    public sealed interface BeginSearch {

        /** At a fixed argument position. */
        record Index(int pos) implements BeginSearch {
        }

        /** After the first (or, with a negative {@code startFrom}, last) argument equal to a keyword. */
        record Keyword(String keyword, int startFrom) implements BeginSearch {
        }
    }

    /** How the keys follow from where the search began. */
    public sealed interface FindKeys {

        /**
         * A range: {@code lastKey} relative to the first key (-1: the last argument), keys every
         * {@code step} arguments, {@code limit} as in Redis.
         */
        record Range(int lastKey, int step, int limit) implements FindKeys {
        }

        /** The number of keys is an argument ({@code numkeys} of EVAL). */
        record KeyNum(int keyNumIdx, int firstKey, int step) implements FindKeys {
        }
    }

    /** True if this spec is a plain range at a fixed position (the legacy first/last/step can express it). */
    boolean isIndexRange() {
        return begin instanceof BeginSearch.Index && find instanceof FindKeys.Range;
    }
}
