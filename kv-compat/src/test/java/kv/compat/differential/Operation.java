package kv.compat.differential;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import kv.compat.support.Reply;

/**
 * One step of a generated command stream: one request, or (for {@link Comparison#TRANSACTION}) a
 * sequence of requests sent as one unit, such as {@code MULTI ... EXEC} or a WATCH race.
 *
 * @param command the generator's name for what it exercises (a Redis command name, or UNKNOWN), as
 *                {@link DifferentialTest#KV_COMMANDS} lists it
 * @param args the request, the command name first (for SCAN, without the cursor; for a transaction,
 *             its first step's)
 * @param comparison how the targets' replies are compared
 * @param wrongArity true if the generator meant the request to have a wrong argument count
 * @param transaction for {@link Comparison#TRANSACTION}, its steps and the operations it queues; else null
 */
record Operation(String command, byte[][] args, Comparison comparison, boolean wrongArity, Transaction transaction) {

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
        UNORDERED_PAIRS,
        /**
         * Several requests as one unit ({@link Transaction}): the reply is the array of every step's
         * reply, compared step by step exactly, except EXEC's array, whose elements are compared as
         * the queued operations' own comparisons say.
         */
        TRANSACTION
    }

    /**
     * The requests of a transaction, in order, and the operations its MULTI queues (for EXEC's reply).
     *
     * @param steps every request, on the run's connection or on a second one (a WATCH race's writer)
     * @param queued the operations between MULTI and EXEC, in order (their replies are EXEC's elements)
     */
    record Transaction(List<Step> steps, List<Operation> queued) {

        /** True if a step runs on the second connection, so the unit cannot be pipelined. */
        boolean usesOtherConnection() {
            return steps.stream().anyMatch(Step::other);
        }
    }

    /** One request of a transaction; {@code other}: sent on the run's second connection to the same target. */
    record Step(boolean other, byte[][] args) {
    }

    Operation(String command, byte[][] args, Comparison comparison, boolean wrongArity) {
        this(command, args, comparison, wrongArity, null);
    }

    /** This operation under the generator's name {@code name}. */
    Operation named(String name) {
        return new Operation(name, args, comparison, wrongArity, transaction);
    }

    /** The request as redis-cli would show it, binary bytes escaped; a transaction's steps joined by "; ". */
    String render() {
        if (transaction != null) {
            List<String> steps = new ArrayList<>();
            for (Step step : transaction.steps()) {
                steps.add((step.other() ? "[other connection] " : "") + render(step.args(), false));
            }
            return String.join("; ", steps);
        }
        return render(args, comparison == Comparison.SCAN);
    }

    private static String render(byte[][] args, boolean scan) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < args.length; i++) {
            String word = new String(args[i], StandardCharsets.UTF_8);
            boolean plain = args[i].length > 0 && word.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != '"');
            boolean shorten = args[i].length > 48;
            text.append(i == 0 ? "" : " ").append(plain && !shorten ? word : Reply.quoteShort(args[i]));
            if (i == 0 && scan) {
                text.append(" <cursor, until 0>");
            }
        }
        return text.toString();
    }
}
