package kv.server.command;

import java.util.concurrent.ScheduledExecutorService;

import kv.protocol.config.ServiceExecutors;
import kv.server.script.LuaEngine;
import kv.server.script.ScriptCache;
import kv.server.script.ScriptGate;
import kv.server.script.ScriptProperties;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

/** The scripts' engine, cache, thread and gate (see {@link ScriptCommands} and {@link ScriptGate}). */
@Configuration(proxyBeanMethods = false)
public class ScriptConfiguration {

    /**
     * The script thread: scripts run on it one at a time, and after each the commands that waited
     * for it. Its writes are applied at once, never staged for an event loop's group commit.
     */
    @Bean
    ThreadPoolTaskExecutor kvScript() {
        ThreadPoolTaskExecutor executor = ServiceExecutors.pool("kv-script", 1, 100_000);
        executor.setTaskDecorator(task -> () -> {
            WriteBatcher.neverStageOnThisThread();
            task.run();
        });
        executor.setWaitForTasksToCompleteOnShutdown(true);
        executor.setAwaitTerminationSeconds(10);
        return executor;
    }

    /** Tells the gate when a script passes the busy threshold. */
    @Bean
    ThreadPoolTaskScheduler kvScriptTimer() {
        return ServiceExecutors.scheduler("kv-script-timer");
    }

    @Bean
    ScriptGate scriptGate(ScriptProperties properties, @Qualifier("kvScriptTimer") ThreadPoolTaskScheduler timer,
                          WriteBatcher batcher, @Qualifier("kvScript") ThreadPoolTaskExecutor scriptThread) {
        ScheduledExecutorService scheduled = timer.getScheduledExecutor();
        return new ScriptGate(properties.busyReplyThreshold(), scheduled, batcher::stagedConnections, scriptThread);
    }

    @Bean
    LuaEngine luaEngine() {
        return new LuaEngine();
    }

    @Bean
    ScriptCache scriptCache() {
        return new ScriptCache();
    }
}
