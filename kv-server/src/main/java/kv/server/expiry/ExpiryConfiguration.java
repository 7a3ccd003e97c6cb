package kv.server.expiry;

import java.time.Clock;

import kv.server.config.KvServerProperties;
import kv.server.pubsub.KeyspaceEvents;
import kv.server.store.KeyValueStore;
import kv.server.tracking.InvalidationHub;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

@Configuration(proxyBeanMethods = false)
class ExpiryConfiguration {

    /** The active expiry cycle's one thread. */
    @Bean
    ThreadPoolTaskScheduler expiryScheduler() {
        ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
        scheduler.setPoolSize(1);
        scheduler.setThreadNamePrefix("kv-expiry-");
        scheduler.setDaemon(true);
        scheduler.setWaitForTasksToCompleteOnShutdown(true);
        return scheduler;
    }

    @Bean
    ExpiryCycle expiryCycle(KeyValueStore store, InvalidationHub invalidations, Clock clock,
                            ThreadPoolTaskScheduler expiryScheduler, KvServerProperties properties,
                            KeyspaceEvents events) {
        return new ExpiryCycle(store, invalidations, clock, expiryScheduler, properties.expiry(), events);
    }
}
