package kv.proxy.ops;

import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import kv.protocol.ops.ProcessFigures;
import kv.protocol.tls.TlsStatus;
import kv.proxy.backend.Backend;
import kv.proxy.cache.CacheStats;
import kv.proxy.cache.CoherentCache;
import kv.proxy.coherence.InvalidationListener;
import kv.proxy.coherence.InvalidationListeners;
import kv.proxy.config.ProxyProperties;
import kv.protocol.endpoint.ClientRegistry;
import kv.proxy.session.ClientSession;
import org.springframework.stereotype.Component;

/** The text of {@code INFO} on the proxy: sections server, clients, cache and backends. */
@Component
public class ProxyInfo {

    private static final List<String> SECTIONS = List.of("server", "clients", "memory", "cpu", "cache", "backends");

    private final ProxyProperties properties;
    private final ClientRegistry<ClientSession> clients;
    private final CoherentCache cache;
    private final InvalidationListeners listeners;
    private final MeterRegistry meters;
    private final ProxyConfig config;

    public ProxyInfo(ProxyProperties properties, ClientRegistry<ClientSession> clients, CoherentCache cache,
                     InvalidationListeners listeners, MeterRegistry meters, ProxyConfig config) {
        this.config = config;
        this.properties = properties;
        this.clients = clients;
        this.cache = cache;
        this.listeners = listeners;
        this.meters = meters;
    }

    /** INFO with the given section names; none, "all", "default" or "everything" means every section. */
    public String render(List<String> requested) {
        StringBuilder text = new StringBuilder();
        for (String section : SECTIONS) {
            if (wanted(section, requested)) {
                if (!text.isEmpty()) {
                    text.append("\r\n");
                }
                switch (section) {
                    case "server" -> server(text);
                    case "clients" -> clients(text);
                    case "memory" -> figures(text, "Memory", ProcessFigures::memory);
                    case "cpu" -> figures(text, "Cpu", ProcessFigures::cpu);
                    case "cache" -> cache(text);
                    default -> backends(text);
                }
            }
        }
        return text.toString();
    }

    private static boolean wanted(String section, List<String> requested) {
        if (requested.isEmpty()) {
            return true;
        }
        for (String name : requested) {
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.equals(section) || lower.equals("all") || lower.equals("default") || lower.equals("everything")) {
                return true;
            }
        }
        return false;
    }

    private void server(StringBuilder text) {
        text.append("# Server\r\n")
                .append("kv_role:proxy\r\n")
                .append("redis_version:").append(kv.protocol.command.Hello.REDIS_COMPATIBLE_VERSION).append("\r\n")
                .append("tcp_port:").append(properties.port()).append("\r\n")
                .append("uptime_in_seconds:")
                .append(ManagementFactory.getRuntimeMXBean().getUptime() / 1000).append("\r\n")
                .append("process_id:").append(ProcessHandle.current().pid()).append("\r\n");
        TlsStatus tls = config.tls();
        if (tls.enabled()) { // kv's, not Redis's: the TLS port and when its certificate expires
            text.append("tls_port:").append(config.values().get("tls-port")).append("\r\n")
                    .append("tls_cert_expires:")
                    .append(tls.certificateExpiry() == null ? "unknown" : tls.certificateExpiry()).append("\r\n");
        }
    }

    private void clients(StringBuilder text) {
        text.append("# Clients\r\n")
                .append("connected_clients:").append(clients.connected()).append("\r\n")
                .append("total_connections_received:").append(clients.totalConnections()).append("\r\n")
                .append("rejected_connections:").append(clients.rejectedConnections()).append("\r\n");
    }

    private static void figures(StringBuilder text, String title, Consumer<Map<String, Object>> section) {
        Map<String, Object> fields = new LinkedHashMap<>();
        section.accept(fields);
        text.append("# ").append(title).append("\r\n");
        fields.forEach((key, value) -> text.append(key).append(':').append(value).append("\r\n"));
    }

    private void cache(StringBuilder text) {
        CacheStats stats = cache.stats();
        text.append("# Cache\r\n")
                .append("cache_enabled:").append(cache.enabled() ? 1 : 0).append("\r\n")
                .append("cache_entries:").append(cache.entries()).append("\r\n")
                .append("cache_bytes:").append(cache.weightedBytes()).append("\r\n")
                .append("cache_max_bytes:").append(cache.maximumBytes()).append("\r\n")
                .append("cache_ttl_seconds:").append(properties.cache().ttl().toSeconds()).append("\r\n")
                .append("cache_hits:").append(stats.hits()).append("\r\n")
                .append("cache_misses:").append(stats.misses()).append("\r\n")
                .append("cache_uncached_reads:").append(stats.bypasses()).append("\r\n")
                .append("cache_hit_ratio:").append(String.format(Locale.ROOT, "%.4f", stats.hitRatio())).append("\r\n")
                .append("cache_invalidations_pushed:").append(stats.pushInvalidations()).append("\r\n")
                .append("cache_invalidations_by_writes:").append(stats.writeInvalidations()).append("\r\n")
                .append("cache_flushes:").append(stats.flushes()).append("\r\n")
                .append("cache_evictions:").append(stats.evictions()).append("\r\n")
                .append("cache_stale_rejected:").append(stats.staleRejected()).append("\r\n")
                .append("cache_expired:").append(stats.expired()).append("\r\n");
    }

    private void backends(StringBuilder text) {
        text.append("# Backends\r\n");
        int i = 0;
        for (InvalidationListener listener : listeners.all()) {
            Backend backend = listener.backend();
            Timer latency = meters.find("kv.proxy.backend.latency").tag("backend", backend.name()).timer();
            text.append("backend").append(i++).append(":addr=").append(backend.name())
                    .append(",status=").append(backend.isUp() ? "up" : "down")
                    .append(",tracking=").append(listener.isTracking() ? "on" : "off")
                    .append(",invalidation_messages=").append(listener.invalidationsReceived())
                    .append(",requests=").append(latency == null ? 0 : latency.count())
                    .append(",mean_latency_us=").append(latency == null ? 0
                            : Math.round(latency.mean(TimeUnit.MICROSECONDS)))
                    .append("\r\n");
        }
        groups(text);
    }

    /**
     * One line per replicated group: its leader and each member's state, as
     * {@code group0:addr=a|b|c,leader=a,member0=a:up:leader:lag=0,member1=b:up:follower:lag=3,...}.
     */
    private void groups(StringBuilder text) {
        int i = 0;
        for (InvalidationListener listener : listeners.all()) {
            Backend backend = listener.backend();
            if (!backend.replicated()) {
                continue;
            }
            kv.proxy.backend.GroupMember leader = backend.leader();
            text.append("group").append(i++).append(":addr=").append(backend.name())
                    .append(",leader=").append(leader == null ? "none" : leader.name());
            int m = 0;
            for (kv.proxy.backend.GroupMember member : backend.members()) {
                text.append(",member").append(m++).append('=').append(member.name())
                        .append(':').append(member.reachable() ? "up" : "down")
                        .append(':').append(member.role())
                        .append(":lag=").append(member.lag());
            }
            text.append("\r\n");
        }
    }
}
