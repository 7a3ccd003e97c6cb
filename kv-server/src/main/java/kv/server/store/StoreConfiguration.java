package kv.server.store;

import kv.server.config.KvServerProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class StoreConfiguration {

    /** Closed by Spring after the TCP endpoint has stopped (see {@code GracefulShutdown}). */
    @Bean(destroyMethod = "close")
    KeyValueStore keyValueStore(KvServerProperties properties) {
        RocksDbStore store = new RocksDbStore(properties.dataDir(), properties.fsync());
        long cacheBytes = properties.cacheSize().toBytes();
        return cacheBytes > 0 ? new CachedStore(store, cacheBytes) : store;
    }
}
