package kv.proxy.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import com.github.benmanes.caffeine.cache.Ticker;
import kv.proxy.testing.Await;
import kv.proxy.testing.ManualTicker;
import kv.proxy.testing.ProxyRunner;
import kv.proxy.testing.ScriptedBackend;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import redis.clients.jedis.Jedis;

/**
 * The optional TTL, a safety net beside invalidations, on a clock the test moves. The scripted
 * backend refuses PTTL, as a server without expiry would: its values are cached all the same.
 */
class CacheTtlTest {

    static final ManualTicker CLOCK = new ManualTicker();

    @Configuration(proxyBeanMethods = false)
    static class TestClock {
        @Bean
        @Primary
        Ticker testTicker() {
            return CLOCK;
        }
    }

    @Test
    void anEntryOlderThanTheTtlIsFetchedAgainWithoutAnyInvalidation() throws Exception {
        try (ScriptedBackend backend = new ScriptedBackend();
             ProxyRunner proxy = ProxyRunner.start(List.of(backend.port()), new Class<?>[] {TestClock.class},
                     "--kv.proxy.cache.ttl=10s");
             Jedis client = new Jedis("127.0.0.1", proxy.port())) {
            Await.until("subscription", Duration.ofSeconds(10), () -> backend.subscriptions() >= 1);
            proxy.awaitCoherent();
            backend.set("k", "v1");
            assertThat(client.get("k")).isEqualTo("v1");
            CLOCK.advance(Duration.ofSeconds(9));
            backend.set("k", "v2"); // no invalidation pushed: only the TTL can withdraw v1
            assertThat(client.get("k")).isEqualTo("v1");
            assertThat(backend.gets()).isEqualTo(1);

            CLOCK.advance(Duration.ofSeconds(2));
            assertThat(client.get("k")).isEqualTo("v2");
            assertThat(backend.gets()).isEqualTo(2);
        }
    }
}
