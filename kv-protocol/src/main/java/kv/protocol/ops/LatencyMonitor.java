package kv.protocol.ops;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Redis's latency monitor: for each event ({@code command}, {@code fast-command}) that took at
 * least {@code latency-monitor-threshold} milliseconds (0: off, the default), the latest spike,
 * the all-time maximum and the last 160 samples, one per second (spikes in the same second keep
 * the largest), as LATENCY LATEST and HISTORY answer them. Safe from any thread; the check a
 * command pays while it is off is one volatile read.
 */
public final class LatencyMonitor {

    /** Redis's {@code LATENCY_TS_LEN}. */
    static final int HISTORY = 160;

    /** One sample: unix time in seconds, milliseconds. */
    public record Sample(long time, long millis) {
    }

    /** One event's figures: its samples (oldest first) and the all-time maximum. */
    private static final class Series {
        final ArrayList<Sample> samples = new ArrayList<>();
        long max;
    }

    private final Map<String, Series> events = new LinkedHashMap<>();
    private volatile long thresholdMillis;

    public long thresholdMillis() {
        return thresholdMillis;
    }

    public void thresholdMillis(long millis) {
        this.thresholdMillis = millis;
    }

    /** True if the monitor is on and {@code millis} reaches its threshold. */
    public boolean records(long millis) {
        long threshold = thresholdMillis;
        return threshold > 0 && millis >= threshold;
    }

    /** Adds a sample of {@code event} if the monitor is on and {@code millis} reaches its threshold. */
    public void record(String event, long millis) {
        if (!records(millis)) {
            return;
        }
        long now = System.currentTimeMillis() / 1000;
        synchronized (this) {
            Series series = events.computeIfAbsent(event, name -> new Series());
            List<Sample> samples = series.samples;
            if (!samples.isEmpty() && samples.get(samples.size() - 1).time() == now) {
                Sample last = samples.get(samples.size() - 1);
                samples.set(samples.size() - 1, new Sample(now, Math.max(last.millis(), millis)));
            }
            else {
                samples.add(new Sample(now, millis));
                if (samples.size() > HISTORY) {
                    samples.remove(0);
                }
            }
            series.max = Math.max(series.max, millis);
        }
    }

    /** LATENCY LATEST's rows: event, time of its latest sample, that sample, the all-time maximum. */
    public synchronized List<Object[]> latest() {
        List<Object[]> rows = new ArrayList<>();
        events.forEach((event, series) -> {
            Sample last = series.samples.get(series.samples.size() - 1);
            rows.add(new Object[] {event, last.time(), last.millis(), series.max});
        });
        return rows;
    }

    /** LATENCY HISTORY's samples of {@code event}, oldest first (none if unknown). */
    public synchronized List<Sample> history(String event) {
        Series series = events.get(event);
        return series == null ? List.of() : List.copyOf(series.samples);
    }

    /** LATENCY RESET: forgets the events named (all if none); how many had samples. */
    public synchronized int reset(List<String> names) {
        if (names.isEmpty()) {
            int count = events.size();
            events.clear();
            return count;
        }
        int count = 0;
        for (String name : names) {
            if (events.remove(name) != null) {
                count++;
            }
        }
        return count;
    }
}
