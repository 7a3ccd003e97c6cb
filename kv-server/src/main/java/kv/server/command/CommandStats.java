package kv.server.command;

import java.util.concurrent.atomic.LongAdder;

import kv.protocol.dashboard.LatencyHistogram;

/**
 * Per-command counters for {@code INFO commandstats}, kept the way Redis reports them, and read
 * by the {@code kv.commands} meter. Each call's time also goes to the histogram of all
 * commands, for percentiles.
 */
public final class CommandStats {

    private final LatencyHistogram latency;

    private final LongAdder calls = new LongAdder();
    private final LongAdder nanos = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final LongAdder failed = new LongAdder();

    CommandStats(LatencyHistogram latency) {
        this.latency = latency;
    }

    void called(long nanos, boolean failedCall) {
        latency.record(nanos);
        calls.increment();
        this.nanos.add(nanos);
        if (failedCall) {
            failed.increment();
        }
    }

    void rejected() {
        rejected.increment();
    }

    public long calls() {
        return calls.sum();
    }

    public long micros() {
        return nanos.sum() / 1000;
    }

    public long nanos() {
        return nanos.sum();
    }

    public long rejectedCalls() {
        return rejected.sum();
    }

    public long failedCalls() {
        return failed.sum();
    }

    void reset() {
        calls.reset();
        nanos.reset();
        rejected.reset();
        failed.reset();
    }
}
