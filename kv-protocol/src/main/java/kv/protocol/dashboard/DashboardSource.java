package kv.protocol.dashboard;

/**
 * A service's side of the dashboard: reads its existing meters and counters (kv-server's command
 * stats and store, kv-proxy's cache stats and backends) into a {@link Reading}. It counts
 * nothing itself; the {@link DashboardSampler} turns successive readings into rates.
 */
public interface DashboardSource {

    /** {@code kv-server} or {@code kv-proxy}. */
    String service();

    /** The figures as they stand now; called once per sampling interval, off the event loops. */
    Reading read();

    /** True if {@link Reading#latency()} is filled: the service times each command. */
    default boolean timesCommands() {
        return false;
    }
}
