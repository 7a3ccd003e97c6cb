package kv.proxy.ops;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import kv.proxy.cache.CacheStats;
import kv.proxy.cache.CoherentCache;
import kv.proxy.coherence.InvalidationListener;
import kv.proxy.coherence.InvalidationListeners;
import kv.protocol.endpoint.ClientRegistry;
import kv.proxy.session.ClientSession;
import org.springframework.stereotype.Component;

/**
 * The proxy's meters: cache hits, misses, hit ratio, evictions, invalidations and cached bytes;
 * per backend up/down and tracking; connected clients. Backend latency is a timer registered
 * with each backend ({@code kv.proxy.backend.latency}).
 */
@Component
class ProxyMetrics {

    ProxyMetrics(MeterRegistry meters, CoherentCache cache, InvalidationListeners listeners, ClientRegistry<ClientSession> clients) {
        CacheStats stats = cache.stats();
        FunctionCounter.builder("kv.proxy.cache.requests", stats, CacheStats::hits).tag("result", "hit")
                .description("GETs answered from the cache").register(meters);
        FunctionCounter.builder("kv.proxy.cache.requests", stats, CacheStats::misses).tag("result", "miss")
                .description("GETs fetched from a backend and cached").register(meters);
        FunctionCounter.builder("kv.proxy.cache.requests", stats, CacheStats::bypasses).tag("result", "uncached")
                .description("GETs read through without caching (no invalidation stream)").register(meters);
        Gauge.builder("kv.proxy.cache.hit.ratio", stats, CacheStats::hitRatio)
                .description("Hits over all GETs since start").register(meters);
        FunctionCounter.builder("kv.proxy.cache.evictions", stats, CacheStats::evictions)
                .description("Entries dropped by the byte bound or the TTL").register(meters);
        FunctionCounter.builder("kv.proxy.cache.invalidations", stats, CacheStats::pushInvalidations)
                .tag("source", "backend").description("Keys withdrawn by backend invalidations").register(meters);
        FunctionCounter.builder("kv.proxy.cache.invalidations", stats, CacheStats::writeInvalidations)
                .tag("source", "write").description("Keys withdrawn by writes through the proxy").register(meters);
        FunctionCounter.builder("kv.proxy.cache.flushes", stats, CacheStats::flushes)
                .description("Times a backend's entries were all dropped").register(meters);
        Gauge.builder("kv.proxy.cache.bytes", cache, CoherentCache::weightedBytes)
                .description("Bytes held by cached keys and values").baseUnit("bytes").register(meters);
        Gauge.builder("kv.proxy.cache.entries", cache, CoherentCache::entries)
                .description("Cached keys").register(meters);
        Gauge.builder("kv.proxy.clients.connected", clients, ClientRegistry<ClientSession>::connected)
                .description("Connected clients").register(meters);
        FunctionCounter.builder("kv.proxy.clients.rejected", clients, ClientRegistry<ClientSession>::rejectedConnections)
                .description("Connections refused because max-clients was reached").register(meters);
        for (InvalidationListener listener : listeners.all()) {
            String name = listener.backend().name();
            Gauge.builder("kv.proxy.backend.up", listener, l -> l.backend().isUp() ? 1 : 0)
                    .tag("backend", name).description("1 if the backend is reachable").register(meters);
            Gauge.builder("kv.proxy.backend.tracking", listener, l -> l.isTracking() ? 1 : 0)
                    .tag("backend", name).description("1 if its invalidations are subscribed").register(meters);
        }
    }
}
