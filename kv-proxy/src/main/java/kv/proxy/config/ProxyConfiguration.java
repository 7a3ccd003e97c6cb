package kv.proxy.config;

import com.github.benmanes.caffeine.cache.Ticker;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Settings and the clock the cache's TTL reads. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({ProxyProperties.class, AccessProperties.class})
class ProxyConfiguration {

    /** The cache's clock; tests replace it to advance time instead of sleeping. */
    @Bean
    Ticker cacheTicker() {
        return Ticker.systemTicker();
    }
}
