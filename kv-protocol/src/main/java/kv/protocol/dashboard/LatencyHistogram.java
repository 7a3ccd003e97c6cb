package kv.protocol.dashboard;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Counts of command durations in buckets, cheap enough to record every command: one array
 * increment, no allocation, no lock. Read by the dashboard's sampler, which takes the
 * difference of two {@link #counts()} to get the durations of one second and their percentiles.
 *
 * <p>Design note: buckets are log-linear, four per power of two from 1 µs up (so a percentile
 * is within 19 % of the true value, HdrHistogram's idea with two significant bits). Below 1 µs
 * is one bucket, above about 18 minutes another. A Micrometer {@code Timer} per command was
 * measured at a quarter of the event loop's time at GET pipeline 16 (its time-window maximum and
 * percentiles; see {@code CommandDispatcher}); this is one {@code AtomicLongArray} slot.
 */
public final class LatencyHistogram {

    /** Durations under 2^10 ns (about 1 µs) share the first bucket. */
    private static final int LOWEST_POWER = 10;
    private static final int HIGHEST_POWER = 40;
    private static final int SUB_BUCKETS = 4;
    static final int BUCKETS = (HIGHEST_POWER - LOWEST_POWER) * SUB_BUCKETS + 2;

    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);

    /** Records one duration. */
    public void record(long nanos) {
        counts.incrementAndGet(bucket(nanos));
    }

    /** The counts so far, a copy (they only grow). */
    public long[] counts() {
        long[] copy = new long[BUCKETS];
        for (int i = 0; i < BUCKETS; i++) {
            copy[i] = counts.get(i);
        }
        return copy;
    }

    static int bucket(long nanos) {
        if (nanos < (1L << LOWEST_POWER)) {
            return 0;
        }
        int power = 63 - Long.numberOfLeadingZeros(nanos);
        if (power >= HIGHEST_POWER) {
            return BUCKETS - 1;
        }
        int sub = (int) (nanos >>> (power - 2)) & (SUB_BUCKETS - 1); // the two bits after the leading one
        return 1 + (power - LOWEST_POWER) * SUB_BUCKETS + sub;
    }

    /** The smallest duration bucket {@code index} holds, in nanoseconds. */
    static long lowerBound(int index) {
        if (index == 0) {
            return 0;
        }
        if (index >= BUCKETS - 1) {
            return 1L << HIGHEST_POWER;
        }
        int power = LOWEST_POWER + (index - 1) / SUB_BUCKETS;
        int sub = (index - 1) % SUB_BUCKETS;
        return (1L << power) + ((long) sub << (power - 2));
    }

    /**
     * The {@code quantile} (0.5, 0.99) of the durations recorded between {@code before} and
     * {@code now} (two {@link #counts()}), as the middle of its bucket in nanoseconds; -1 if
     * none were recorded in between.
     */
    public static long quantile(long[] before, long[] now, double quantile) {
        long total = 0;
        for (int i = 0; i < BUCKETS; i++) {
            total += Math.max(0, now[i] - (before == null ? 0 : before[i]));
        }
        if (total == 0) {
            return -1;
        }
        long rank = Math.max(1, (long) Math.ceil(quantile * total));
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += Math.max(0, now[i] - (before == null ? 0 : before[i]));
            if (seen >= rank) {
                long low = lowerBound(i);
                long high = i + 1 < BUCKETS ? lowerBound(i + 1) : low * 2;
                return i == 0 ? high / 2 : (low + high) / 2;
            }
        }
        return lowerBound(BUCKETS - 1);
    }
}
