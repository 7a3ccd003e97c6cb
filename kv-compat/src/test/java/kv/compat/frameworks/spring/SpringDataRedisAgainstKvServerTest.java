package kv.compat.frameworks.spring;

import kv.compat.support.Target;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** {@link SpringDataRedisScenarios} against kv-server. */
class SpringDataRedisAgainstKvServerTest extends SpringDataRedisScenarios {

    @DynamicPropertySource
    static void pointAt(DynamicPropertyRegistry registry) {
        useTarget(registry, Target.KV_SERVER);
    }

    @Override
    Target target() {
        return Target.KV_SERVER;
    }
}
