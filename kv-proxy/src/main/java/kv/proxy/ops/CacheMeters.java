package kv.proxy.ops;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.cache.CacheMeterBinder;
import kv.proxy.cache.CacheStats;
import kv.proxy.cache.CoherentCache;
import org.springframework.boot.cache.metrics.CacheMeterBinderProvider;
import org.springframework.cache.caffeine.CaffeineCache;
import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;

/**
 * The Actuator's standard cache meters ({@code cache.gets{result=hit|miss}}, {@code cache.puts},
 * {@code cache.evictions}, {@code cache.size}, tagged {@code cache=values}) for the proxy's read
 * cache, counted by the proxy rather than by Caffeine's statistics. Caffeine would count a miss
 * twice (the direct look-up, then {@code @Cacheable}'s) and every placeholder as a put; Spring
 * Boot's own Caffeine binder is therefore passed over for this cache (this provider comes first).
 */
@Component
class CacheMeters implements CacheMeterBinderProvider<CaffeineCache>, Ordered {

    private final CoherentCache cache;

    CacheMeters(CoherentCache cache) {
        this.cache = cache;
    }

    @Override
    public MeterBinder getMeterBinder(CaffeineCache caffeineCache, Iterable<Tag> tags) {
        return new Binder(cache, caffeineCache.getName(), tags);
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }

    private static final class Binder extends CacheMeterBinder<CoherentCache> {

        private final CacheStats stats;

        Binder(CoherentCache cache, String name, Iterable<Tag> tags) {
            super(cache, name, tags);
            this.stats = cache.stats();
        }

        @Override
        protected Long size() {
            return getCache() == null ? null : getCache().entries();
        }

        @Override
        protected long hitCount() {
            return stats.hits();
        }

        @Override
        protected Long missCount() {
            return stats.misses() + stats.bypasses();
        }

        @Override
        protected Long evictionCount() {
            return stats.evictions();
        }

        @Override
        protected long putCount() {
            return stats.stored();
        }

        @Override
        protected void bindImplementationSpecificMetrics(MeterRegistry registry) {
            // The proxy's own meters (kv.proxy.cache.*) are in ProxyMetrics.
        }
    }
}
