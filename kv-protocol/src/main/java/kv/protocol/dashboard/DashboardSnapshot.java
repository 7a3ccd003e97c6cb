package kv.protocol.dashboard;

import java.util.List;

/**
 * What the live dashboard shows, as {@code GET /dashboard/snapshot} answers it in JSON: the same
 * shape from kv-server and kv-proxy, so one page ({@code static/index.html} and
 * {@code static/dashboard/dashboard.js} in this module) draws both. A section a service does not
 * have is null (a proxy has no databases or disk, a server no cache or backends); rates are per
 * second over the sampler's last interval.
 *
 * @param service        {@code kv-server} or {@code kv-proxy}
 * @param time           when it was sampled, ms since the epoch
 * @param uptimeSeconds  since the service started
 * @param opsPerSecond   commands per second, all commands
 * @param commands       the commands called since start, busiest in the last interval first
 * @param latency        p50 and p99 of the last interval, and what was timed
 * @param clients        connected RESP clients
 * @param databases      keys per database that has any (kv-server)
 * @param memory         the parts of the process's memory that can be told apart
 * @param disk           the data directory's disk (kv-server)
 * @param cache          the read cache (kv-proxy)
 * @param backends       each backend's state (kv-proxy)
 * @param groups         each replicated group's health, leader and members (kv-proxy, once it has groups)
 * @param history        the last two minutes of the figures the charts draw
 */
public record DashboardSnapshot(String service, long time, long uptimeSeconds, double opsPerSecond,
                                List<CommandRate> commands, Latency latency, long clients,
                                List<Reading.DatabaseKeys> databases, List<Reading.Amount> memory, Reading.Disk disk,
                                Cache cache, List<Backend> backends, List<Reading.GroupState> groups, History history) {

    /** One command's calls per second in the last interval, its calls since start and mean time per call. */
    public record CommandRate(String name, double perSecond, long calls, Double meanMicros) {
    }

    /**
     * Percentiles of the last interval in milliseconds (null when nothing was timed), and what
     * they time: {@code commands} (kv-server, each command's run) or {@code backends} (kv-proxy,
     * a request's round trip to its backend).
     */
    public record Latency(String of, Double p50Ms, Double p99Ms) {
    }

    /**
     * The read cache: the hit ratio of the last interval (null without GETs in it) and since start,
     * keys withdrawn per second (invalidations pushed by backends and writes through the proxy),
     * entries and bytes held and the byte bound.
     */
    public record Cache(Double hitRatio, double hitRatioSinceStart, double invalidationsPerSecond,
                        long entries, long bytes, long maxBytes) {
    }

    /** A backend: reachable or not, invalidations subscribed or not, requests per second, round-trip percentiles. */
    public record Backend(String name, boolean up, boolean tracking, double requestsPerSecond, Double p50Ms, Double p99Ms) {
    }

    /** Parallel columns, oldest first: the charts' data (a null where a figure had no value). */
    public record History(List<Long> time, List<Double> ops, List<Double> p50Ms, List<Double> p99Ms,
                          List<Double> hitRatio, List<Double> invalidations) {
    }
}
