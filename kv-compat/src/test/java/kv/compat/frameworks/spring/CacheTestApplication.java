package kv.compat.frameworks.spring;

import java.time.Duration;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Bean;
import org.springframework.data.redis.cache.RedisCacheConfiguration;
import org.springframework.data.redis.cache.RedisCacheManager;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * An ordinary Spring Boot application using Spring Data Redis (Lettuce) and Spring Cache, as
 * users write one; the scenarios point it at Redis, kv-server or kv-proxy by
 * {@code spring.data.redis.port} alone.
 */
@SpringBootApplication
@EnableCaching
public class CacheTestApplication {

    /** How long a cached greeting lives: short, so that a scenario can watch it go. */
    static final Duration ENTRY_TTL = Duration.ofSeconds(1);

    @Bean
    RedisCacheManager cacheManager(RedisConnectionFactory connectionFactory) {
        return RedisCacheManager.builder(connectionFactory)
                .cacheDefaults(RedisCacheConfiguration.defaultCacheConfig()
                        .entryTtl(ENTRY_TTL)
                        .prefixCacheNameWith(GreetingService.PREFIX))
                .build();
    }
}
