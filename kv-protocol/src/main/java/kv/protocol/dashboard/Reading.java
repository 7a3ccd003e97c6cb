package kv.protocol.dashboard;

import java.util.List;
import java.util.Map;

/**
 * What a service's {@link DashboardSource} reads at one instant: counters as they stand since
 * start (the sampler turns two readings into rates) and gauges as they are now.
 *
 * @param commands  per command name, calls and total nanoseconds so far (nanoseconds -1 if not timed)
 * @param latency   the {@link LatencyHistogram#counts()} of every command, or null if the service has none
 * @param clients   connected RESP clients
 * @param databases keys per database (null if the service has none)
 * @param memory    the named parts of memory, bytes
 * @param disk      the data directory's disk, or null
 * @param cache     the read cache's counters, or null
 * @param backends  the backends, or null
 * @param groups    replication groups, or null
 */
public record Reading(Map<String, CommandTotals> commands, long[] latency, long clients, List<DatabaseKeys> databases,
                      List<Amount> memory, Disk disk, CacheTotals cache, List<BackendTotals> backends,
                      List<GroupState> groups) {

    /** A command's calls and their total time so far (nanos -1: not timed). */
    public record CommandTotals(long calls, long nanos) {
    }

    /** Keys in one database (SELECT's number). */
    public record DatabaseKeys(int db, long keys) {
    }

    /** A named part of memory, e.g. {@code heap used}, and how many bytes it holds; {@code limit} 0 if none. */
    public record Amount(String name, long bytes, long limit) {
    }

    /** The data directory's size, and the free and total space of the disk it is on (its path is not shown: see docs/dashboard.md). */
    public record Disk(long usedBytes, long freeBytes, long totalBytes) {
    }

    /** The read cache's counters so far, and what it holds now. */
    public record CacheTotals(long hits, long misses, long uncached, long invalidations, long entries, long bytes,
                              long maxBytes) {
    }

    /** A backend's state now, its requests so far and its recent round-trip percentiles (ms, null if none). */
    public record BackendTotals(String name, boolean up, boolean tracking, long requests, Double p50Ms, Double p99Ms) {
    }

    /** A replicated group's health status, and its leader and members as its health details say. */
    public record GroupState(String name, String status, Map<String, Object> details) {
    }
}
