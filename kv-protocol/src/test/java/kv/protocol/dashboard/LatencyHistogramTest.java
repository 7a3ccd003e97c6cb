package kv.protocol.dashboard;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class LatencyHistogramTest {

    @Test
    void everyDurationFallsInTheBucketWhoseBoundsHoldIt() {
        for (long nanos = 1; nanos < (1L << 42); nanos = nanos * 3 / 2 + 1) {
            int bucket = LatencyHistogram.bucket(nanos);
            assertThat(LatencyHistogram.lowerBound(bucket)).as("%d ns", nanos).isLessThanOrEqualTo(nanos);
            if (bucket < LatencyHistogram.BUCKETS - 1) {
                assertThat(LatencyHistogram.lowerBound(bucket + 1)).as("%d ns", nanos).isGreaterThan(nanos);
            }
        }
    }

    @Test
    void percentilesAreWithinABucketOfTheTrueValue() {
        LatencyHistogram histogram = new LatencyHistogram();
        for (int micros = 1; micros <= 1000; micros++) {
            histogram.record(micros * 1000L);
        }
        long[] counts = histogram.counts();
        assertThat((double) LatencyHistogram.quantile(null, counts, 0.5)).isCloseTo(500_000, within(500_000 * 0.2));
        assertThat((double) LatencyHistogram.quantile(null, counts, 0.99)).isCloseTo(990_000, within(990_000 * 0.2));
    }

    @Test
    void aQuantileOfAnIntervalSeesOnlyTheDurationsRecordedInIt() {
        LatencyHistogram histogram = new LatencyHistogram();
        for (int i = 0; i < 1000; i++) {
            histogram.record(5_000); // 5 µs, before the interval
        }
        long[] before = histogram.counts();
        histogram.record(2_000_000); // 2 ms, in it
        long[] now = histogram.counts();
        assertThat((double) LatencyHistogram.quantile(before, now, 0.5)).isCloseTo(2_000_000, within(400_000.0));
        assertThat(LatencyHistogram.quantile(now, now, 0.5)).isEqualTo(-1);
    }
}
