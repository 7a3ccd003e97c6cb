package kv.compat.differential;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiPredicate;

import kv.compat.differential.Operation.Comparison;
import kv.compat.support.Reply;

/**
 * Decides whether a judged service's reply is Redis's. Exact, except where time or Redis's
 * undefined order makes two right answers differ, and for the differences listed in
 * {@link #NORMALISATIONS}, each with its reason.
 */
final class ReplyComparator {

    /** TTL and EXPIRETIME: the targets run a command moments apart, and Redis rounds to the nearest second. */
    static final long SECONDS_TOLERANCE = 1;
    /**
     * PTTL and PEXPIRETIME: the targets run a command moments apart (a GC pause included); on a
     * loaded 2-core machine kv-proxy's PTTL came 666 ms after Redis's (load average 24).
     */
    static final long MILLIS_TOLERANCE = 1500;

    /** A reply difference that is accepted, and why. */
    record Normalisation(String name, String reason, BiPredicate<Reply, Reply> equivalent) {
    }

    /** Every difference from Redis the judge accepts. Keep it short: each entry hides a difference from users. */
    static final List<Normalisation> NORMALISATIONS = List.of(
            new Normalisation("unknown command wording",
                    "kv-proxy refuses a command outside kv's command table itself, and adds why to Redis's "
                            + "\"ERR unknown command 'FOO'\" (\": kv-proxy forwards only the commands in kv's command "
                            + "table\") instead of Redis's \", with args beginning with: ...\"",
                    (redis, kv) -> redis.isError() && kv.isError()
                            && unknownCommandPrefix(redis) != null
                            && unknownCommandPrefix(redis).equals(unknownCommandPrefix(kv))));

    private ReplyComparator() {
    }

    /** Null if {@code kv} matches {@code redis}, else why not. */
    static String difference(Operation operation, Reply redis, Reply kv) {
        if (operation.comparison() == Comparison.TRANSACTION) {
            return transactionDifference(operation, redis, kv);
        }
        Reply expected = normalise(operation.comparison(), redis);
        Reply actual = normalise(operation.comparison(), kv);
        if (expected.equals(actual)) {
            return null;
        }
        if (withinTolerance(operation.comparison(), expected, actual)) {
            return null;
        }
        for (Normalisation normalisation : NORMALISATIONS) {
            if (normalisation.equivalent().test(expected, actual)) {
                return null;
            }
        }
        return "expected " + expected + " but was " + actual;
    }

    /**
     * A transaction's replies step by step: exactly, but EXEC's array (the last step's reply) element
     * by element, as each queued operation is compared on its own (a TTL within its tolerance, KEYS as a set).
     */
    private static String transactionDifference(Operation operation, Reply redis, Reply kv) {
        List<Reply> expected = redis.elements();
        List<Reply> actual = kv.elements();
        if (expected == null || actual == null || expected.size() != actual.size()) {
            return "expected the replies " + redis + " but was " + kv;
        }
        List<Operation.Step> steps = operation.transaction().steps();
        List<Operation> queued = operation.transaction().queued();
        for (int i = 0; i < expected.size(); i++) {
            Reply redisStep = expected.get(i);
            Reply kvStep = actual.get(i);
            boolean exec = i == expected.size() - 1 && CommandGenerator.text(steps.get(i).args()[0]).equalsIgnoreCase("EXEC");
            String difference;
            if (exec && redisStep.type() == '*' && redisStep.elements() != null && redisStep.elements().size() == queued.size()
                    && kvStep.type() == '*' && kvStep.elements() != null && kvStep.elements().size() == queued.size()) {
                difference = null;
                for (int j = 0; j < queued.size() && difference == null; j++) {
                    difference = difference(queued.get(j), redisStep.elements().get(j), kvStep.elements().get(j));
                    if (difference != null) {
                        difference = "EXEC's reply " + (j + 1) + " (" + queued.get(j).render() + "): " + difference;
                    }
                }
            }
            else {
                difference = difference(new Operation("step", steps.get(i).args(), Comparison.EXACT, false),
                        redisStep, kvStep);
                if (difference != null) {
                    difference = "step " + (i + 1) + " (" + new Operation("step", steps.get(i).args(),
                            Comparison.EXACT, false).render() + "): " + difference;
                }
            }
            if (difference != null) {
                return difference;
            }
        }
        return null;
    }

    private static Reply normalise(Comparison comparison, Reply reply) {
        if (comparison == Comparison.UNORDERED && reply.type() == '*' && reply.elements() != null) {
            List<Reply> sorted = new ArrayList<>(reply.elements());
            sorted.sort((a, b) -> a.render().compareTo(b.render()));
            return Reply.array(sorted);
        }
        if (comparison == Comparison.UNORDERED_PAIRS && reply.isAggregate() && reply.elements() != null) {
            List<Reply> elements = reply.elements();
            boolean nested = !elements.isEmpty() && elements.stream().allMatch(e -> e.elements() != null);
            List<List<Reply>> pairs = new ArrayList<>();
            for (int i = 0; i < elements.size(); i += nested ? 1 : 2) {
                pairs.add(nested ? List.of(elements.get(i)) : elements.subList(i, Math.min(i + 2, elements.size())));
            }
            pairs.sort((a, b) -> Reply.array(a).render().compareTo(Reply.array(b).render()));
            List<Reply> sorted = new ArrayList<>();
            pairs.forEach(sorted::addAll);
            return new Reply(reply.type(), reply.data(), sorted);
        }
        return reply;
    }

    private static boolean withinTolerance(Comparison comparison, Reply redis, Reply kv) {
        long tolerance = switch (comparison) {
            case SECONDS -> SECONDS_TOLERANCE;
            case MILLIS -> MILLIS_TOLERANCE;
            default -> -1;
        };
        if (tolerance < 0 || redis.type() != ':' || kv.type() != ':') {
            return false;
        }
        long expected = redis.integer();
        long actual = kv.integer();
        // -1 (no expiry) and -2 (no key) are answers, not times: exactly.
        return expected >= 0 && actual >= 0 && Math.abs(expected - actual) <= tolerance;
    }

    /** "ERR unknown command 'FOO'" of an unknown-command error, else null. */
    private static String unknownCommandPrefix(Reply error) {
        String text = error.text();
        if (!text.startsWith("ERR unknown command '")) {
            return null;
        }
        int end = text.indexOf('\'', "ERR unknown command '".length());
        return end < 0 ? null : text.substring(0, end + 1);
    }
}
