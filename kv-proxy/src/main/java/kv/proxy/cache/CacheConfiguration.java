package kv.proxy.cache;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Ticker;
import kv.proxy.config.ProxyProperties;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.caffeine.CaffeineCacheManager;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The Caffeine cache behind {@code @Cacheable}: asynchronous (its entries are futures, so a miss
 * is in the cache before its fetch starts), bounded by bytes with W-TinyLFU eviction, with an
 * optional TTL read from the injected {@link Ticker}.
 */
@Configuration(proxyBeanMethods = false)
@EnableCaching
class CacheConfiguration {

    @Bean
    CacheStats cacheStats() {
        return new CacheStats();
    }

    @Bean
    RoundMaintenance cacheMaintenance() {
        return new RoundMaintenance();
    }

    @Bean
    AsyncCache<Object, Object> proxyValueCache(ProxyProperties properties, Ticker cacheTicker, CacheStats stats,
                                               RoundMaintenance cacheMaintenance) {
        Caffeine<Object, Object> builder = Caffeine.newBuilder()
                .maximumWeight(properties.cache().maxBytesOrDefault())
                .weigher((Object key, Object value) -> ((CachedValue) value).weigh(key))
                .ticker(cacheTicker)
                // Maintenance at the end of an event loop's round, or at once on other threads
                // (so evictions are visible as soon as a test's call returns); no common pool.
                .executor(cacheMaintenance)
                // No recordStats(): the proxy counts hits and misses itself (CacheStats, also behind
                // the Actuator's cache.* meters, see CacheMeters). Caffeine's counts would be wrong
                // here, as a hit is looked up without @Cacheable and a miss is looked up twice, and
                // its load timing reads the clock three times per miss (5% of the event loop).
                // Called for evictions only, at once: a removal listener would be handed every
                // removal, each withdrawn miss included, as a task for the executor.
                .evictionListener((Object key, Object value, RemovalCause cause) -> stats.evictions.increment());
        if (!properties.cache().ttl().isZero() && !properties.cache().ttl().isNegative()) {
            builder.expireAfterWrite(properties.cache().ttl());
        }
        return builder.buildAsync();
    }

    @Bean
    CacheManager cacheManager(AsyncCache<Object, Object> proxyValueCache) {
        CaffeineCacheManager manager = new CaffeineCacheManager();
        manager.setAsyncCacheMode(true);
        manager.setAllowNullValues(false);
        manager.registerCustomCache(CachingReader.CACHE, proxyValueCache);
        return manager;
    }
}
