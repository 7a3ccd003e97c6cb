package kv.server.ops;

import java.util.List;

import kv.protocol.command.CommandGroup;
import kv.protocol.config.RuntimeSetting;
import kv.protocol.config.RuntimeSettings;
import kv.protocol.endpoint.ClientRegistry;
import kv.protocol.ops.CommandObservers;
import kv.protocol.ops.ObserverSettings;
import kv.protocol.ops.OpsCommandGroup;
import kv.server.pubsub.KeyspaceEvents;
import kv.server.session.ClientSession;
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

    @Bean
    RuntimeSettings runtimeSettings(List<RuntimeSetting> rows) {
        return new RuntimeSettings(rows);
    }

    @Bean
    RuntimeSetting slowlogLogSlowerThan(CommandObservers observers) {
        return ObserverSettings.settable(observers).get(0);
    }

    @Bean
    RuntimeSetting slowlogMaxLen(CommandObservers observers) {
        return ObserverSettings.settable(observers).get(1);
    }

    @Bean
    RuntimeSetting latencyMonitorThreshold(CommandObservers observers) {
        return ObserverSettings.settable(observers).get(2);
    }

    /** Redis's range; a lower limit leaves the clients already connected as they are, as in Redis. */
    @Bean
    RuntimeSetting maxclients(ClientRegistry<ClientSession> clients) {
        return RuntimeSetting.integer("maxclients", 1, 4294967295L, clients::maxClients,
                max -> clients.maxClients((int) Math.min(max, Integer.MAX_VALUE)));
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
