package kv.proxy.ops;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Policy;
import kv.protocol.command.CommandGroup;
import kv.protocol.config.RuntimeSetting;
import kv.protocol.config.RuntimeSettings;
import kv.protocol.endpoint.ClientRegistry;
import kv.protocol.ops.CommandObservers;
import kv.protocol.ops.ObserverSettings;
import kv.protocol.ops.OpsCommandGroup;
import kv.proxy.session.ClientSession;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The proxy's MONITOR (what its clients send), SLOWLOG and LATENCY (a command's time includes
 * its backend round trip), and its table of CONFIG SET parameters, one {@link RuntimeSetting}
 * bean per row: slowlog-*, latency-monitor-threshold, maxclients, and the cache's size
 * ({@code maxmemory}, also under its own name {@code kv.proxy.cache.max-bytes}).
 */
@Configuration(proxyBeanMethods = false)
class OperatorCommandsConfiguration {

    @Bean
    CommandObservers commandObservers(Environment environment) {
        return ObserverSettings.bind(environment, "kv.proxy").observers();
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
    RuntimeSetting maxmemory(AsyncCache<Object, Object> proxyValueCache) {
        return cacheSize("maxmemory", proxyValueCache);
    }

    @Bean
    RuntimeSetting cacheMaxBytes(AsyncCache<Object, Object> proxyValueCache) {
        return cacheSize("kv.proxy.cache.max-bytes", proxyValueCache);
    }

    private static RuntimeSetting cacheSize(String name, AsyncCache<Object, Object> cache) {
        Policy.Eviction<Object, Object> eviction = cache.synchronous().policy().eviction()
                .orElseThrow(() -> new IllegalStateException("the proxy's cache has no size bound"));
        return RuntimeSetting.memory(name, 1, eviction::getMaximum, eviction::setMaximum);
    }
}
