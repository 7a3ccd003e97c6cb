package kv.protocol.dashboard;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class DashboardSamplerTest {

    private static final long SECOND = 1_000_000_000L;

    /** A source whose counters the test sets. */
    private static final class Counters implements DashboardSource {
        final Map<String, Reading.CommandTotals> commands = new LinkedHashMap<>();
        final LatencyHistogram latency = new LatencyHistogram();
        Reading.CacheTotals cache;
        List<Reading.BackendTotals> backends;

        @Override
        public String service() {
            return "test";
        }

        @Override
        public Reading read() {
            return new Reading(new LinkedHashMap<>(commands), backends == null ? latency.counts() : null, 3, null,
                    List.of(), null, cache, backends == null ? null : new ArrayList<>(backends), null);
        }
    }

    @Test
    void ratesAreTheCountsOfTheIntervalOverItsLength() {
        Counters counters = new Counters();
        DashboardSampler sampler = new DashboardSampler(counters, 0);
        counters.commands.put("get", new Reading.CommandTotals(100, 1_000_000));
        counters.commands.put("set", new Reading.CommandTotals(0, 0));
        sampler.sample(0, 1000);
        counters.commands.put("get", new Reading.CommandTotals(300, 3_000_000));
        counters.commands.put("set", new Reading.CommandTotals(50, 0));
        DashboardSnapshot snapshot = sampler.sample(2 * SECOND, 3000);

        assertThat(snapshot.opsPerSecond()).isCloseTo(125, within(1e-9));
        assertThat(snapshot.commands()).extracting(DashboardSnapshot.CommandRate::name).containsExactly("get", "set");
        assertThat(snapshot.commands().get(0).perSecond()).isCloseTo(100, within(1e-9));
        assertThat(snapshot.commands().get(0).meanMicros()).isCloseTo(10, within(1e-9));
        assertThat(snapshot.uptimeSeconds()).isEqualTo(3);
        assertThat(snapshot.history().ops()).containsExactly(0.0, 125.0);
    }

    @Test
    void aCounterResetCountsFromZeroInsteadOfGoingNegative() {
        Counters counters = new Counters();
        DashboardSampler sampler = new DashboardSampler(counters, 0);
        counters.commands.put("get", new Reading.CommandTotals(1000, 0));
        sampler.sample(0, 0);
        counters.commands.put("get", new Reading.CommandTotals(7, 0)); // CONFIG RESETSTAT, then 7 calls
        assertThat(sampler.sample(SECOND, 1000).opsPerSecond()).isCloseTo(7, within(1e-9));
    }

    @Test
    void latencyPercentilesAreThoseOfTheIntervalsCommands() {
        Counters counters = new Counters();
        DashboardSampler sampler = new DashboardSampler(counters, 0);
        counters.latency.record(10_000_000);
        sampler.sample(0, 0);
        for (int i = 0; i < 100; i++) {
            counters.latency.record(50_000);
        }
        DashboardSnapshot snapshot = sampler.sample(SECOND, 1000);
        assertThat(snapshot.latency().of()).isEqualTo("commands");
        assertThat(snapshot.latency().p99Ms()).isCloseTo(0.05, within(0.01));
        assertThat(sampler.sample(2 * SECOND, 2000).latency().p50Ms()).isNull(); // nothing ran
    }

    @Test
    void theProxysHitRatioAndInvalidationsAreOfTheIntervalAndItsLatencyIsTheSlowestReachableBackends() {
        Counters counters = new Counters();
        DashboardSampler sampler = new DashboardSampler(counters, 0);
        counters.cache = new Reading.CacheTotals(0, 10, 0, 0, 0, 0, 100);
        counters.backends = List.of(new Reading.BackendTotals("a", true, true, 0, null, null),
                new Reading.BackendTotals("b", false, false, 0, null, null));
        sampler.sample(0, 0);
        counters.cache = new Reading.CacheTotals(90, 20, 0, 40, 5, 50, 100);
        counters.backends = List.of(new Reading.BackendTotals("a", true, true, 30, 0.2, 1.5),
                new Reading.BackendTotals("b", false, false, 0, 9.0, 90.0)); // down: its old times do not count
        DashboardSnapshot snapshot = sampler.sample(2 * SECOND, 2000);

        assertThat(snapshot.cache().hitRatio()).isCloseTo(0.9, within(1e-9));
        assertThat(snapshot.cache().hitRatioSinceStart()).isCloseTo(90.0 / 110, within(1e-9));
        assertThat(snapshot.cache().invalidationsPerSecond()).isCloseTo(20, within(1e-9));
        assertThat(snapshot.latency()).isEqualTo(new DashboardSnapshot.Latency("backends", 0.2, 1.5));
        assertThat(snapshot.backends()).extracting(DashboardSnapshot.Backend::up).containsExactly(true, false);
        assertThat(snapshot.backends().get(0).requestsPerSecond()).isCloseTo(15, within(1e-9));
    }

    @Test
    void historyKeepsTheLastTwoMinutes() {
        Counters counters = new Counters();
        DashboardSampler sampler = new DashboardSampler(counters, 0);
        for (int i = 0; i < DashboardSampler.HISTORY + 30; i++) {
            sampler.sample(i * SECOND, i * 1000L);
        }
        DashboardSnapshot.History history = sampler.latest().history();
        assertThat(history.time()).hasSize(DashboardSampler.HISTORY);
        assertThat(history.time().get(0)).isEqualTo(30_000L);
    }
}
