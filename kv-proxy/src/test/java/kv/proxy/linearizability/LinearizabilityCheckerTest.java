package kv.proxy.linearizability;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import kv.proxy.linearizability.LinearizabilityChecker.Verdict;
import kv.proxy.linearizability.Operation.Kind;
import kv.proxy.linearizability.Operation.Outcome;
import org.junit.jupiter.api.Test;

/**
 * The checker on small histories whose answer is known, linearizable and not, so that it is
 * shown to fail when it should. Times are small integers: [invoke, complete].
 */
class LinearizabilityCheckerTest {

    private static final long NEVER = Long.MAX_VALUE;
    private final LinearizabilityChecker checker = new LinearizabilityChecker();

    private static Operation set(int p, String value, long from, long to) {
        return new Operation(p, Kind.SET, "k", value, Outcome.OK, null, from, to);
    }

    private static Operation get(int p, String read, long from, long to) {
        return new Operation(p, Kind.GET, "k", null, Outcome.OK, read, from, to);
    }

    private static Operation incr(int p, String result, long from, long to) {
        return new Operation(p, Kind.INCR, "k", null, Outcome.OK, result, from, to);
    }

    private static Operation info(Operation op) {
        return new Operation(op.process(), op.kind(), op.key(), op.argument(), Outcome.INFO, null, op.invokedAt(), NEVER);
    }

    private static Operation failed(Operation op) {
        return new Operation(op.process(), op.kind(), op.key(), op.argument(), Outcome.FAIL, null, op.invokedAt(),
                op.completedAt());
    }

    private Verdict verdict(Operation... history) {
        return checker.check(List.of(history)).verdict();
    }

    @Test
    void aSequentialHistoryThatReadsItsWritesIsLinearizable() {
        assertThat(verdict(get(0, null, 0, 1), set(0, "a", 2, 3), get(1, "a", 4, 5), set(1, "b", 6, 7),
                get(0, "b", 8, 9))).isEqualTo(Verdict.LINEARIZABLE);
    }

    @Test
    void aReadOverlappingAWriteMaySeeEitherValue() {
        assertThat(verdict(set(0, "a", 0, 1), set(1, "b", 2, 6), get(2, "a", 3, 4))).isEqualTo(Verdict.LINEARIZABLE);
        assertThat(verdict(set(0, "a", 0, 1), set(1, "b", 2, 6), get(2, "b", 3, 4))).isEqualTo(Verdict.LINEARIZABLE);
    }

    @Test
    void twoReadsOverlappingOneWriteMustNotSeeItThenNot() {
        // The first read saw b, the second, which began after the first ended, saw a again.
        assertThat(verdict(set(0, "a", 0, 1), set(1, "b", 2, 10), get(2, "b", 3, 4), get(3, "a", 5, 6)))
                .isEqualTo(Verdict.NOT_LINEARIZABLE);
    }

    @Test
    void aStaleReadIsNotLinearizable() {
        LinearizabilityChecker.Result result = checker.check(List.of(set(0, "1", 0, 1), set(0, "2", 2, 3),
                get(1, "1", 4, 5)));
        assertThat(result.verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
        assertThat(result.explanation()).contains("key k").contains("GET k -> 1");
    }

    @Test
    void aLostWriteIsNotLinearizable() {
        // Acknowledged, then read as never written.
        assertThat(verdict(set(0, "1", 0, 1), get(1, null, 2, 3))).isEqualTo(Verdict.NOT_LINEARIZABLE);
    }

    @Test
    void aReadOfAValueNeverWrittenIsNotLinearizable() {
        assertThat(verdict(set(0, "1", 0, 1), get(1, "7", 2, 3))).isEqualTo(Verdict.NOT_LINEARIZABLE);
    }

    @Test
    void aWriteOfUnknownOutcomeMayHaveTakenEffectLateOrNever() {
        Operation maybe = info(set(1, "2", 2, 3));
        assertThat(verdict(set(0, "1", 0, 1), maybe, get(0, "1", 10, 11))).isEqualTo(Verdict.LINEARIZABLE);
        assertThat(verdict(set(0, "1", 0, 1), maybe, get(0, "2", 10, 11))).isEqualTo(Verdict.LINEARIZABLE);
        // It took effect once: it cannot be seen, then not, then again.
        assertThat(verdict(set(0, "1", 0, 1), maybe, get(0, "2", 10, 11), get(0, "1", 12, 13),
                get(0, "2", 14, 15))).isEqualTo(Verdict.NOT_LINEARIZABLE);
        // Nor before it was invoked.
        assertThat(verdict(set(0, "1", 0, 1), get(0, "2", 2, 3), info(set(1, "2", 5, 6))))
                .isEqualTo(Verdict.NOT_LINEARIZABLE);
    }

    @Test
    void aFailedWriteNeverTookEffect() {
        assertThat(verdict(set(0, "1", 0, 1), failed(set(1, "2", 2, 3)), get(0, "2", 4, 5)))
                .isEqualTo(Verdict.NOT_LINEARIZABLE);
    }

    @Test
    void concurrentIncrementsEachCountOnce() {
        assertThat(verdict(incr(0, "1", 0, 5), incr(1, "2", 1, 4), get(2, "2", 6, 7))).isEqualTo(Verdict.LINEARIZABLE);
        // Two increments answered with the same value: one of them was lost.
        assertThat(verdict(incr(0, "1", 0, 1), incr(1, "1", 2, 3))).isEqualTo(Verdict.NOT_LINEARIZABLE);
        // An increment of unknown outcome may have counted or not, but not twice.
        Operation maybe = info(incr(1, null, 2, 3));
        assertThat(verdict(incr(0, "1", 0, 1), maybe, get(0, "2", 5, 6))).isEqualTo(Verdict.LINEARIZABLE);
        assertThat(verdict(incr(0, "1", 0, 1), maybe, get(0, "1", 5, 6))).isEqualTo(Verdict.LINEARIZABLE);
        assertThat(verdict(incr(0, "1", 0, 1), maybe, get(0, "3", 5, 6))).isEqualTo(Verdict.NOT_LINEARIZABLE);
    }

    @Test
    void anIncrementOfAStringThatIsNoIntegerCannotHaveSucceeded() {
        assertThat(verdict(set(0, "x", 0, 1), incr(1, "1", 2, 3))).isEqualTo(Verdict.NOT_LINEARIZABLE);
    }

    @Test
    void keysAreCheckedApartAndAStaleReadOnOneIsReported() {
        List<Operation> history = new ArrayList<>(List.of(set(0, "1", 0, 1)));
        history.add(new Operation(1, Kind.SET, "other", "x", Outcome.OK, null, 0, 1));
        history.add(new Operation(1, Kind.GET, "other", null, Outcome.OK, "y", 2, 3));
        LinearizabilityChecker.Result result = checker.check(history);
        assertThat(result.perKey()).containsEntry("k", Verdict.LINEARIZABLE).containsEntry("other", Verdict.NOT_LINEARIZABLE);
        assertThat(result.verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
    }

    @Test
    void aLargeConcurrentHistoryOfARealRegisterIsLinearizable() {
        // A register simulated with a lock: each operation takes effect at a random instant inside
        // its window; 8 processes, 2,000 operations with many overlapping writes.
        Random random = new Random(17);
        List<Operation> history = new ArrayList<>();
        String value = null;
        long[] busyUntil = new long[8];
        for (long t = 0; history.size() < 2000; t++) {
            int p = random.nextInt(8);
            if (busyUntil[p] > t) {
                continue;
            }
            long from = t;
            long to = t + 1 + random.nextInt(20);
            busyUntil[p] = to + 1;
            // Applied now, at `from`: inside [from, to]. Simulated in invocation order.
            switch (random.nextInt(3)) {
                case 0 -> {
                    value = Integer.toString(random.nextInt(5));
                    history.add(set(p, value, from, to));
                }
                case 1 -> history.add(get(p, value, from, to));
                default -> {
                    long next = (value == null ? 0 : Long.parseLong(value)) + 1;
                    value = Long.toString(next);
                    history.add(random.nextInt(10) == 0 ? info(incr(p, null, from, to)) : incr(p, value, from, to));
                }
            }
        }
        assertThat(checker.check(history).verdict()).isEqualTo(Verdict.LINEARIZABLE);
    }

    @Test
    void aSearchBeyondItsBoundIsUndecidedNeverLinearizable() {
        List<Operation> history = new ArrayList<>();
        for (int p = 0; p < 12; p++) { // 12 writes all overlapping, then a read no order explains
            history.add(set(p, Integer.toString(p), 0, 100));
        }
        history.add(get(0, "none of them", 200, 201));
        assertThat(new LinearizabilityChecker(50).check(history).verdict()).isEqualTo(Verdict.UNDECIDED);
        assertThat(new LinearizabilityChecker().check(history).verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
    }
}
