package kv.protocol.endpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Redis's client-output-buffer-limit arithmetic, on a clock the test passes in. */
class OutputBufferLimitTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void readsRedisSyntaxAndUnits() {
        assertThat(OutputBufferLimit.parse("32mb 8mb 60")).isEqualTo(OutputBufferLimit.PUBSUB_DEFAULT);
        assertThat(OutputBufferLimit.parse("32MB 8MB 60")).isEqualTo(new OutputBufferLimit(33554432, 8388608, 60));
        assertThat(OutputBufferLimit.parse(" 1k 2kb 0 ")).isEqualTo(new OutputBufferLimit(1000, 2048, 0));
        assertThat(OutputBufferLimit.parse("1g 1gb 5")).isEqualTo(new OutputBufferLimit(1_000_000_000L, 1L << 30, 5));
        assertThat(OutputBufferLimit.parse("0 0 0")).isEqualTo(new OutputBufferLimit(0, 0, 0));
        assertThat(OutputBufferLimit.PUBSUB_DEFAULT).hasToString("33554432 8388608 60");
        assertThatThrownBy(() -> OutputBufferLimit.parse("32mb 8mb")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> OutputBufferLimit.parse("lots 8mb 60")).hasMessageContaining("not a size: 'lots'");
        assertThatThrownBy(() -> OutputBufferLimit.parse("-1 0 0")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theHardLimitClosesAtOnce() {
        OutputBufferLimit limit = new OutputBufferLimit(100, 0, 0);
        OutputBufferLimit.Watch watch = new OutputBufferLimit.Watch();
        assertThat(limit.exceeded(99, watch, 0)).isFalse();
        assertThat(limit.exceeded(100, watch, 0)).isTrue();
        assertThat(new OutputBufferLimit(0, 0, 0).exceeded(Long.MAX_VALUE, watch, 0)).as("0: no limit").isFalse();
    }

    @Test
    void theSoftLimitClosesOnlyOnceExceededForLongerThanItsSeconds() {
        OutputBufferLimit limit = new OutputBufferLimit(1000, 100, 2);
        OutputBufferLimit.Watch watch = new OutputBufferLimit.Watch();
        assertThat(limit.exceeded(150, watch, 10 * SECOND)).as("first seen over").isFalse();
        assertThat(limit.exceeded(150, watch, 12 * SECOND)).as("exactly its seconds").isFalse();
        assertThat(limit.exceeded(150, watch, 12 * SECOND + 1)).as("longer").isTrue();
    }

    @Test
    void goingBackUnderTheSoftLimitStartsTheCountAgain() {
        OutputBufferLimit limit = new OutputBufferLimit(0, 100, 2);
        OutputBufferLimit.Watch watch = new OutputBufferLimit.Watch();
        assertThat(limit.exceeded(150, watch, 0)).isFalse();
        assertThat(limit.exceeded(50, watch, SECOND)).isFalse();
        assertThat(limit.exceeded(150, watch, 2 * SECOND)).isFalse();
        assertThat(limit.exceeded(150, watch, 3 * SECOND)).as("over for 1 s only since").isFalse();
        assertThat(limit.exceeded(150, watch, 5 * SECOND)).isTrue();
    }
}
