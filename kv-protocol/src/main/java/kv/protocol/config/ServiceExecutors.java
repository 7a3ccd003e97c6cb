package kv.protocol.config;

import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

/**
 * The thread pools of kv's services, as Spring beans: declared with {@code @Bean}, they are
 * started and shut down by the application context, and Spring Boot's executor metrics
 * ({@code executor.active}, {@code executor.queued}, {@code executor.completed}, ... tagged
 * with the bean's name) cover them without more code. Their threads are daemons, so a thread
 * left running never keeps the JVM alive, and they take work until the context destroys them
 * (a graceful shutdown lets commands in flight finish, and those may need a pool).
 */
public final class ServiceExecutors {

    private ServiceExecutors() {
    }

    /**
     * {@code threads} threads named {@code name-1}, {@code name-2} ..., and a queue of at most
     * {@code queueCapacity} waiting tasks; a task beyond it is refused with a
     * {@link java.util.concurrent.RejectedExecutionException}.
     */
    public static ThreadPoolTaskExecutor pool(String name, int threads, int queueCapacity) {
        ThreadPoolTaskExecutor executor = new ThreadPoolTaskExecutor();
        executor.setThreadNamePrefix(name + "-");
        executor.setCorePoolSize(threads);
        executor.setMaxPoolSize(threads);
        executor.setQueueCapacity(queueCapacity);
        executor.setDaemon(true);
        executor.setAcceptTasksAfterContextClose(true);
        return executor;
    }

    /** One scheduling thread named {@code name-1}. */
    public static ThreadPoolTaskScheduler scheduler(String name) {
        ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
        scheduler.setThreadNamePrefix(name + "-");
        scheduler.setPoolSize(1);
        scheduler.setDaemon(true);
        scheduler.setAcceptTasksAfterContextClose(true);
        return scheduler;
    }
}
