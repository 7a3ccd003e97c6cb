package kv.server.command;

import java.util.concurrent.atomic.LongAdder;

/** Per-command counters for {@code INFO commandstats}, kept the way Redis reports them. */
public final class CommandStats {

    private final LongAdder calls = new LongAdder();
    private final LongAdder micros = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final LongAdder failed = new LongAdder();

    void called(long nanos, boolean failedCall) {
        calls.increment();
        micros.add(nanos / 1000);
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
        return micros.sum();
    }

    public long rejectedCalls() {
        return rejected.sum();
    }

    public long failedCalls() {
        return failed.sum();
    }

    void reset() {
        calls.reset();
        micros.reset();
        rejected.reset();
        failed.reset();
    }
}
