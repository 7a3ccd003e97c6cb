package kv.protocol.endpoint;

import io.micrometer.core.instrument.config.MeterFilter;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.IdGenerator;
import org.springframework.util.SimpleIdGenerator;

/**
 * The beans every kv service's RESP endpoint wants from Spring Integration's side; each
 * service's endpoint configuration imports it.
 */
@Configuration(proxyBeanMethods = false)
public class RespEndpointConfiguration {

    /**
     * Spring Integration would time every channel send and handler call; each request passes one
     * of each, and the per-command timers already measure it (a JFR profile under
     * redis-benchmark showed those samples among the per-request costs).
     */
    @Bean
    MeterFilter denySpringIntegrationMeters() {
        return MeterFilter.denyNameStartsWith("spring.integration");
    }

    /** Message ids from a counter instead of random UUIDs: ids are not used across processes here. */
    @Bean
    IdGenerator messageIdGenerator() {
        return new SimpleIdGenerator();
    }
}
