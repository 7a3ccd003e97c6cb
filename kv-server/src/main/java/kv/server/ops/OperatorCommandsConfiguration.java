package kv.server.ops;

import kv.protocol.command.CommandGroup;
import kv.protocol.config.RuntimeSetting;
import kv.protocol.config.RuntimeSettings;
import kv.protocol.endpoint.ClientRegistry;
import kv.protocol.ops.CommandObservers;
import kv.protocol.ops.ObserverSettings;
import kv.protocol.ops.OpsCommandGroup;
import kv.server.pubsub.KeyspaceEvents;
import kv.server.session.ClientSession;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The server's MONITOR, SLOWLOG and LATENCY (fed by the dispatcher), and its table of CONFIG SET
 * parameters: each row a {@link RuntimeSetting} bean, so that a feature adds its own row
 * ({@code requirepass}) by declaring one.
 */
@Configuration(proxyBeanMethods = false)
class OperatorCommandsConfiguration {

    @Bean
    CommandObservers commandObservers(Environment environment) {
        return ObserverSettings.bind(environment, "kv.server").observers();
    }

    @Bean
    CommandGroup<ClientSession> operatorCommands(CommandObservers observers) {
        return new OpsCommandGroup<>(observers);
    }

    /** The rows every service has (slowlog-*, latency-monitor-threshold, maxclients), and the beans of this one. */
    @Bean
    RuntimeSettings runtimeSettings(CommandObservers observers, ClientRegistry<ClientSession> clients,
                                    ObjectProvider<RuntimeSetting> own) {
        return ObserverSettings.runtimeSettings(observers, clients, own.orderedStream().toList());
    }

    @Bean
    RuntimeSetting notifyKeyspaceEvents(KeyspaceEvents events) {
        return RuntimeSetting.of("notify-keyspace-events", events::classes, classes -> {
            if (!KeyspaceEvents.valid(classes)) {
                throw new RuntimeSetting.InvalidValue(KeyspaceEvents.INVALID);
            }
            return () -> events.set(classes);
        });
    }
}
