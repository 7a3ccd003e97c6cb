package kv.protocol.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class LatencyMonitorTest {

    @Test
    void nothingIsRecordedWhileTheThresholdIsZero() {
        LatencyMonitor monitor = new LatencyMonitor();
        monitor.record("command", 1000);
        assertThat(monitor.latest()).isEmpty();
    }

    @Test
    void spikesAtOrOverTheThresholdAreKeptPerEventWithTheirMaximum() {
        LatencyMonitor monitor = new LatencyMonitor();
        monitor.thresholdMillis(10);
        monitor.record("command", 9);
        monitor.record("command", 30);
        monitor.record("command", 12);
        monitor.record("fast-command", 10);
        List<Object[]> latest = monitor.latest();
        assertThat(latest).hasSize(2);
        assertThat(latest.get(0)[0]).isEqualTo("command");
        assertThat((Long) latest.get(0)[3]).isEqualTo(30);
        // Samples in one second merge, keeping the largest: 30 (or 12 alone if the second turned).
        assertThat(monitor.history("command")).isNotEmpty().allMatch(sample -> sample.millis() >= 12);
        assertThat(monitor.reset(List.of("command", "nope"))).isEqualTo(1);
        assertThat(monitor.reset(List.of())).isEqualTo(1);
        assertThat(monitor.latest()).isEmpty();
    }
}
