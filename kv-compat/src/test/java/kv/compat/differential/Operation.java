package kv.compat.differential;

import java.nio.charset.StandardCharsets;

import kv.compat.support.Reply;

/**
 * One step of a generated command stream.
 *
 * @param command the generator's name for what it exercises (a Redis command name, or UNKNOWN), as
 *                {@link DifferentialTest#KV_COMMANDS} lists it
 * @param args the request, the command name first (for SCAN, without the cursor)
 * @param comparison how the targets' replies are compared
 * @param wrongArity true if the generator meant the request to have a wrong argument count
 * @param otherClient true if it is sent by a second client of each target (a write racing a WATCH)
 */
record Operation(String command, byte[][] args, Comparison comparison, boolean wrongArity, boolean otherClient) {

    Operation(String command, byte[][] args, Comparison comparison, boolean wrongArity) {
        this(command, args, comparison, wrongArity, false);
    }

    /** How replies are compared: exactly, unless time or Redis's undefined order is involved. */
    enum Comparison {
        EXACT,
        /** KEYS: Redis's order is its hash table's, which no other store shares; compared as sets. */
        UNORDERED,
        /** TTL, EXPIRETIME: seconds, within {@link ReplyComparator#SECONDS_TOLERANCE}; -1 and -2 exactly. */
        SECONDS,
        /** PTTL, PEXPIRETIME: milliseconds, within {@link ReplyComparator#MILLIS_TOLERANCE}; -1 and -2 exactly. */
        MILLIS,
        /**
         * SCAN: {@code args} are the options after the cursor (for HSCAN: the key, then the options);
         * the whole iteration's keys (HSCAN: field-value pairs) are compared as a set.
         */
        SCAN,
        /**
         * HGETALL, HRANDFIELD WITHVALUES: field-value pairs (flat, a RESP3 map, or RESP3 nested pairs)
         * compared as a set of pairs: kv answers in field order, Redis in its listpack's or hash table's.
         */
        UNORDERED_PAIRS
    }

    /** The request as redis-cli would show it, binary bytes escaped. */
    String render() {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < args.length; i++) {
            String word = new String(args[i], StandardCharsets.UTF_8);
            boolean plain = args[i].length > 0 && word.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != '"');
            boolean shorten = args[i].length > 48;
            text.append(i == 0 ? (otherClient ? "(other client) " : "") : " ")
                    .append(plain && !shorten ? word : Reply.quoteShort(args[i]));
            if (i == 0 && comparison == Comparison.SCAN) {
                text.append(" <cursor, until 0>");
            }
        }
        return text.toString();
    }
}
