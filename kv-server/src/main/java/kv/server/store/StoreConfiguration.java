package kv.server.store;

import kv.server.config.KvServerProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class StoreConfiguration {

    /** Closed by Spring after the TCP endpoint has stopped (see {@code GracefulShutdown}). */
    @Bean(destroyMethod = "close")
    KeyValueStore keyValueStore(KvServerProperties properties) {
        return new RocksDbStore(properties.dataDir(), properties.fsync());
    }
}
