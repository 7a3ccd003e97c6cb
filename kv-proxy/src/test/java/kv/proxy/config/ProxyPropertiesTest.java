package kv.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

class ProxyPropertiesTest {

    private static ProxyProperties bind(Map<String, String> settings) {
        return new Binder(new MapConfigurationPropertySource(settings)).bindOrCreate("kv.proxy", ProxyProperties.class);
    }

    @Test
    void theCacheTakesAQuarterOfTheMaximumHeapUnlessSet() {
        assertThat(bind(Map.of()).cache().maxBytesOrDefault()).isEqualTo(Runtime.getRuntime().maxMemory() / 4);
        assertThat(bind(Map.of("kv.proxy.cache.max-bytes", "10MB")).cache().maxBytesOrDefault()).isEqualTo(10L << 20);
    }
}
