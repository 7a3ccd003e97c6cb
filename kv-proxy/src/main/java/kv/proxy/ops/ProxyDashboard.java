package kv.proxy.ops;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import kv.protocol.dashboard.DashboardSource;
import kv.protocol.dashboard.Reading;
import kv.protocol.endpoint.ClientRegistry;
import kv.proxy.backend.Backend;
import kv.proxy.cache.CacheStats;
import kv.proxy.cache.CoherentCache;
import kv.proxy.coherence.InvalidationListener;
import kv.proxy.coherence.InvalidationListeners;
import kv.proxy.config.ProxyProperties;
import kv.proxy.session.ClientSession;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.health.registry.HealthContributorRegistry;
import org.springframework.stereotype.Component;

/**
 * kv-proxy's figures for the live dashboard, from what the proxy counts already: the
 * {@code kv.proxy.commands} meters ({@link CommandCounts}), the cache's {@link CacheStats}, each
 * backend's state and its {@code kv.proxy.backend.latency} timer (percentiles over Micrometer's
 * recent window), and each replicated group's leader and members as its health component reports them.
 */
@Component
class ProxyDashboard implements DashboardSource {

    /** The health component of the backends ({@link BackendsHealthIndicator}), where a replicated group reports its leader. */
    static final String BACKENDS = "backends";

    private final MeterRegistry meters;
    private final ClientRegistry<ClientSession> clients;
    private final CoherentCache cache;
    private final InvalidationListeners listeners;
    private final ProxyProperties properties;
    private final ObjectProvider<HealthContributorRegistry> health;

    ProxyDashboard(MeterRegistry meters, ClientRegistry<ClientSession> clients, CoherentCache cache,
                   InvalidationListeners listeners, ProxyProperties properties,
                   ObjectProvider<HealthContributorRegistry> health) {
        this.meters = meters;
        this.clients = clients;
        this.cache = cache;
        this.listeners = listeners;
        this.properties = properties;
        this.health = health;
    }

    @Override
    public String service() {
        return "kv-proxy";
    }

    @Override
    public Reading read() {
        Map<String, Reading.CommandTotals> commands = new LinkedHashMap<>();
        for (FunctionCounter counter : meters.find("kv.proxy.commands").functionCounters()) {
            commands.put(counter.getId().getTag("command"), new Reading.CommandTotals((long) counter.count(), -1));
        }
        CacheStats stats = cache.stats();
        Reading.CacheTotals cacheTotals = new Reading.CacheTotals(stats.hits(), stats.misses(), stats.bypasses(),
                stats.pushInvalidations() + stats.writeInvalidations(), cache.entries(), cache.weightedBytes(),
                properties.cache().maxBytesOrDefault());
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        List<Reading.Amount> memory = List.of(
                new Reading.Amount("heap", heap.getUsed(), Math.max(0, heap.getMax())),
                new Reading.Amount("read cache (on the heap)", cache.weightedBytes(), properties.cache().maxBytesOrDefault()));
        return new Reading(commands, null, clients.connected(), null, memory, null, cacheTotals, backends(), groups());
    }

    private List<Reading.BackendTotals> backends() {
        List<Reading.BackendTotals> backends = new ArrayList<>();
        for (InvalidationListener listener : listeners.all()) {
            Backend backend = listener.backend();
            Timer latency = meters.find("kv.proxy.backend.latency").tag("backend", backend.name()).timer();
            Double p50 = null;
            Double p99 = null;
            long requests = 0;
            if (latency != null) {
                requests = latency.count();
                for (ValueAtPercentile value : latency.takeSnapshot().percentileValues()) {
                    double millis = value.value(TimeUnit.MILLISECONDS);
                    if (value.percentile() == 0.5) {
                        p50 = millis;
                    }
                    else if (value.percentile() == 0.99) {
                        p99 = millis;
                    }
                }
            }
            backends.add(new Reading.BackendTotals(backend.name(), backend.isUp(), listener.isTracking(), requests,
                    requests == 0 ? null : p50, requests == 0 ? null : p99));
        }
        return backends;
    }

    /** Each replicated group's state (see {@link GroupStates}), or null while no backend is a group. */
    private List<Reading.GroupState> groups() {
        HealthContributorRegistry registry = health.getIfAvailable();
        return registry == null ? null : GroupStates.of(registry.getContributor(BACKENDS));
    }
}
