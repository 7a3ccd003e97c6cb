package kv.proxy.config;

import com.github.benmanes.caffeine.cache.Ticker;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.IdGenerator;
import org.springframework.util.SimpleIdGenerator;

/** Settings and the few shared beans: the clock the cache's TTL reads, message ids. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ProxyProperties.class)
class ProxyConfiguration {

    /** The cache's clock; tests replace it to advance time instead of sleeping. */
    @Bean
    Ticker cacheTicker() {
        return Ticker.systemTicker();
    }

    /** Message ids from a counter instead of random UUIDs: ids are not used across processes here. */
    @Bean
    IdGenerator messageIdGenerator() {
        return new SimpleIdGenerator();
    }
}
