package kv.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

class KvServerPropertiesTest {

    private static KvServerProperties bind(Map<String, String> settings) {
        return new Binder(new MapConfigurationPropertySource(settings)).bindOrCreate("kv.server", KvServerProperties.class);
    }

    @Test
    void theValueCacheTakesAQuarterOfTheMaximumHeapUnlessSet() {
        assertThat(bind(Map.of()).cacheBytes()).isEqualTo(Runtime.getRuntime().maxMemory() / 4);
        assertThat(bind(Map.of("kv.server.cache-size", "10MB")).cacheBytes()).isEqualTo(10L << 20);
        assertThat(bind(Map.of("kv.server.cache-size", "0")).cacheBytes()).isZero();
    }
}
