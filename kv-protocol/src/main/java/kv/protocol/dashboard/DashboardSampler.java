package kv.protocol.dashboard;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * Turns a service's {@link Reading}s, taken once per interval, into the {@link DashboardSnapshot}
 * the page polls: rates from the difference of two readings over the time between them,
 * percentiles from the difference of two latency histograms, and two minutes of history for the
 * charts. Time is passed in ({@link #sample(long, long)}), so tests step it.
 *
 * <p>A counter that went down since the last reading (CONFIG RESETSTAT) counts as restarted from
 * zero: its rate for that interval is what it has counted since.
 */
public final class DashboardSampler {

    /** Points of history kept: two minutes at one a second. */
    static final int HISTORY = 120;
    private static final int SHOWN_COMMANDS = 20;

    private final DashboardSource source;
    private final long startMillis;
    private final Deque<Point> history = new ArrayDeque<>();
    private Reading last;
    private long lastNanos;
    private volatile DashboardSnapshot latest;

    private record Point(long time, double ops, Double p50, Double p99, Double hitRatio, Double invalidations) {
    }

    public DashboardSampler(DashboardSource source, long startMillis) {
        this.source = source;
        this.startMillis = startMillis;
    }

    /** The last snapshot; samples one now if there is none yet. */
    public DashboardSnapshot latest() {
        DashboardSnapshot shown = latest;
        if (shown == null) {
            synchronized (this) {
                if (latest == null) {
                    sample(System.nanoTime(), System.currentTimeMillis());
                }
                shown = latest;
            }
        }
        return shown;
    }

    /** Reads the source at {@code nanos} (a monotonic clock) and {@code epochMillis}, and makes the next snapshot. */
    public synchronized DashboardSnapshot sample(long nanos, long epochMillis) {
        Reading now = source.read();
        double seconds = last == null ? 0 : Math.max(1e-3, (nanos - lastNanos) / 1e9);
        List<DashboardSnapshot.CommandRate> commands = new ArrayList<>();
        double ops = 0;
        for (Map.Entry<String, Reading.CommandTotals> command : now.commands().entrySet()) {
            Reading.CommandTotals totals = command.getValue();
            if (totals.calls() == 0) {
                continue;
            }
            Reading.CommandTotals before = last == null ? null : last.commands().get(command.getKey());
            double rate = seconds == 0 ? 0 : delta(before == null ? 0 : before.calls(), totals.calls()) / seconds;
            ops += rate;
            Double mean = totals.nanos() < 0 ? null : totals.nanos() / 1000.0 / totals.calls();
            commands.add(new DashboardSnapshot.CommandRate(command.getKey(), rate, totals.calls(), mean));
        }
        commands.sort(Comparator.comparingDouble(DashboardSnapshot.CommandRate::perSecond).reversed()
                .thenComparing(Comparator.comparingLong(DashboardSnapshot.CommandRate::calls).reversed()));
        DashboardSnapshot.Latency latency = latency(now);
        DashboardSnapshot.Cache cache = cache(now, seconds);
        List<DashboardSnapshot.Backend> backends = backends(now, seconds);
        history.addLast(new Point(epochMillis, ops, latency.p50Ms(), latency.p99Ms(),
                cache == null ? null : cache.hitRatio(), cache == null ? null : cache.invalidationsPerSecond()));
        while (history.size() > HISTORY) {
            history.removeFirst();
        }
        last = now;
        lastNanos = nanos;
        latest = new DashboardSnapshot(source.service(), epochMillis, Math.max(0, (epochMillis - startMillis) / 1000), ops,
                List.copyOf(commands.subList(0, Math.min(SHOWN_COMMANDS, commands.size()))), latency, now.clients(),
                now.databases(), now.memory(), now.disk(), cache, backends, now.groups(), history());
        return latest;
    }

    private DashboardSnapshot.Latency latency(Reading now) {
        if (now.latency() != null) {
            long p50 = LatencyHistogram.quantile(last == null ? null : last.latency(), now.latency(), 0.5);
            long p99 = LatencyHistogram.quantile(last == null ? null : last.latency(), now.latency(), 0.99);
            return new DashboardSnapshot.Latency("commands", p50 < 0 ? null : p50 / 1e6, p99 < 0 ? null : p99 / 1e6);
        }
        if (now.backends() != null) {
            // The slowest reachable backend's: what a client waits for at worst. A backend that is
            // down answers nothing, and its timer's window still holds the times from before.
            Double p50 = null;
            Double p99 = null;
            for (Reading.BackendTotals backend : now.backends()) {
                if (backend.up()) {
                    p50 = max(p50, backend.p50Ms());
                    p99 = max(p99, backend.p99Ms());
                }
            }
            return new DashboardSnapshot.Latency("backends", p50, p99);
        }
        return new DashboardSnapshot.Latency("commands", null, null);
    }

    private DashboardSnapshot.Cache cache(Reading now, double seconds) {
        Reading.CacheTotals cache = now.cache();
        if (cache == null) {
            return null;
        }
        Reading.CacheTotals before = last == null ? null : last.cache();
        long hits = delta(before == null ? 0 : before.hits(), cache.hits());
        long gets = hits + delta(before == null ? 0 : before.misses(), cache.misses())
                + delta(before == null ? 0 : before.uncached(), cache.uncached());
        long allGets = cache.hits() + cache.misses() + cache.uncached();
        double invalidations = seconds == 0 ? 0
                : delta(before == null ? 0 : before.invalidations(), cache.invalidations()) / seconds;
        return new DashboardSnapshot.Cache(gets == 0 || seconds == 0 ? null : (double) hits / gets,
                allGets == 0 ? 0 : (double) cache.hits() / allGets, invalidations, cache.entries(), cache.bytes(),
                cache.maxBytes());
    }

    private List<DashboardSnapshot.Backend> backends(Reading now, double seconds) {
        if (now.backends() == null) {
            return null;
        }
        List<DashboardSnapshot.Backend> backends = new ArrayList<>();
        for (Reading.BackendTotals backend : now.backends()) {
            long before = 0;
            if (last != null && last.backends() != null) {
                before = last.backends().stream().filter(b -> b.name().equals(backend.name()))
                        .mapToLong(Reading.BackendTotals::requests).findFirst().orElse(0);
            }
            backends.add(new DashboardSnapshot.Backend(backend.name(), backend.up(), backend.tracking(),
                    seconds == 0 ? 0 : delta(before, backend.requests()) / seconds, backend.p50Ms(), backend.p99Ms()));
        }
        return backends;
    }

    private DashboardSnapshot.History history() {
        List<Long> time = new ArrayList<>(history.size());
        List<Double> ops = new ArrayList<>(history.size());
        List<Double> p50 = new ArrayList<>(history.size());
        List<Double> p99 = new ArrayList<>(history.size());
        List<Double> hitRatio = new ArrayList<>(history.size());
        List<Double> invalidations = new ArrayList<>(history.size());
        for (Point point : history) {
            time.add(point.time());
            ops.add(point.ops());
            p50.add(point.p50());
            p99.add(point.p99());
            hitRatio.add(point.hitRatio());
            invalidations.add(point.invalidations());
        }
        return new DashboardSnapshot.History(time, ops, p50, p99, hitRatio, invalidations);
    }

    /** What a counter counted since {@code before}; all it holds if it was reset in between. */
    private static long delta(long before, long now) {
        return now >= before ? now - before : now;
    }

    /** The larger, null only if both are (no ?: here: mixing Double and double unboxes a null). */
    private static Double max(Double a, Double b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return Math.max(a, b);
    }
}
