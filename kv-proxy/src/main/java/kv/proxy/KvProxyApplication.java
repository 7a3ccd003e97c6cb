package kv.proxy;

import kv.protocol.dashboard.DashboardConfiguration;
import kv.protocol.ops.ActuatorSecurityConfiguration;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Import;

/**
 * kv-proxy: the coherent caching proxy in front of one or more kv servers (or Redis 6+ servers).
 * Packages: {@code tcp} the client-facing endpoint, {@code command} the dispatcher and handlers,
 * {@code cache} the {@code @Cacheable} read cache, {@code coherence} the invalidation listeners,
 * {@code backend} the outbound gateways and hash ring, {@code ops} health, metrics and INFO.
 */
@SpringBootApplication
@Import({ActuatorSecurityConfiguration.class, DashboardConfiguration.class})
public class KvProxyApplication {

    public static void main(String[] args) {
        SpringApplication.run(KvProxyApplication.class, args);
    }
}
