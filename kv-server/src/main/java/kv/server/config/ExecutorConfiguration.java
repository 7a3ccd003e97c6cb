package kv.server.config;

import kv.protocol.config.ServiceExecutors;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

/** The server's thread pools besides its event loops (see {@link ServiceExecutors}). */
@Configuration(proxyBeanMethods = false)
public class ExecutorConfiguration {

    /**
     * Runs the work of background commands (DBSIZE, DUMP's count) off the event loops, one at a
     * time: a second count would only slow the first. 64 may wait; past that a command's work runs
     * on its event loop, as it did before there was a background thread.
     */
    @Bean
    ThreadPoolTaskExecutor kvBackground() {
        ThreadPoolTaskExecutor executor = ServiceExecutors.pool("kv-background", 1, 64);
        // A count that has started finishes before the store closes (see CommandDispatcher).
        executor.setWaitForTasksToCompleteOnShutdown(true);
        executor.setAwaitTerminationSeconds(10);
        return executor;
    }

    /**
     * Reads the pairs of DUMP replies too big to read before answering, a step at a time ahead
     * of what their clients have read (see ReadAheadPairs): off the event loops, one step at a
     * time, a step per streaming DUMP queued at most.
     */
    @Bean
    ThreadPoolTaskExecutor kvDumpReader() {
        ThreadPoolTaskExecutor executor = ServiceExecutors.pool("kv-dump-reader", 1, Integer.MAX_VALUE);
        // A step that has started ends before the store closes.
        executor.setWaitForTasksToCompleteOnShutdown(true);
        executor.setAwaitTerminationSeconds(10);
        return executor;
    }

    /** Delivers the invalidation pushes that could not be written on the writer's thread (see InvalidationHub). */
    @Bean
    ThreadPoolTaskExecutor kvInvalidations() {
        ThreadPoolTaskExecutor executor = ServiceExecutors.pool("kv-invalidations", 1, Integer.MAX_VALUE);
        executor.setWaitForTasksToCompleteOnShutdown(true); // the queued pushes still leave, unwaited
        return executor;
    }
}
