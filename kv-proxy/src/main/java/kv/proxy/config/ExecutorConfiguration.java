package kv.proxy.config;

import kv.protocol.config.ServiceExecutors;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

/** The proxy's thread pools besides its event loops (see {@link ServiceExecutors}). */
@Configuration(proxyBeanMethods = false)
class ExecutorConfiguration {

    /**
     * Runs the commands that wait on backends (DEL, MGET, DUMP, ...) off the event loop, one
     * thread per request in flight to a backend ({@code kv.proxy.pool-size}); more wait.
     */
    @Bean
    ThreadPoolTaskExecutor proxyWorkers(ProxyProperties properties) {
        return ServiceExecutors.pool("kv-proxy-worker", properties.poolSize(), Integer.MAX_VALUE);
    }

    /** One thread per backend, each reading that backend's invalidation stream for as long as the proxy runs. */
    @Bean
    ThreadPoolTaskExecutor proxyInvalidationListeners(ProxyProperties properties) {
        return ServiceExecutors.pool("kv-invalidations", properties.backends().size(), 0);
    }

    /** Pings every invalidation stream each {@code kv.proxy.timeouts.heartbeat}. */
    @Bean
    ThreadPoolTaskScheduler proxyHeartbeat() {
        return ServiceExecutors.scheduler("kv-invalidations-heartbeat");
    }
}
