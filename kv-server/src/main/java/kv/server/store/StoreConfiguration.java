package kv.server.store;

import java.time.Clock;

import kv.server.config.Fsync;
import kv.server.config.KvServerProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class StoreConfiguration {

    private static final Logger log = LoggerFactory.getLogger(StoreConfiguration.class);

    /**
     * The wall clock expiry times are read against (Redis's expiry times are absolute Unix
     * times too); tests put a clock of their own in with {@code @Primary}.
     */
    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    /** Closed by Spring after the TCP endpoint has stopped (see {@code GracefulShutdown}). */
    @Bean(destroyMethod = "close")
    KeyValueStore keyValueStore(KvServerProperties properties, Clock clock,
                                @org.springframework.beans.factory.annotation.Value("${kv.server.raft.id:}") String raftId) {
        // In cluster mode the Raft log is what reaches the disk before an acknowledgement (its
        // sync follows kv.server.fsync): RocksDB's own log needs no sync then (see docs/cluster.md).
        RocksDbStore store = new RocksDbStore(properties.dataDir(), raftId.isBlank() ? properties.fsync() : Fsync.NO, clock);
        long cacheBytes = properties.cacheBytes();
        log.info("Value cache: {} MB{}", cacheBytes >> 20,
                properties.cacheSize() == null ? " (a quarter of the maximum heap; kv.server.cache-size sets it)" : "");
        return cacheBytes > 0 ? new CachedStore(store, cacheBytes, clock) : store;
    }
}
