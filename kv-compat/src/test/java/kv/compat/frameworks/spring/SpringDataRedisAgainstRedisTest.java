package kv.compat.frameworks.spring;

import kv.compat.support.Target;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** {@link SpringDataRedisScenarios} against Redis, the control. */
class SpringDataRedisAgainstRedisTest extends SpringDataRedisScenarios {

    @DynamicPropertySource
    static void pointAt(DynamicPropertyRegistry registry) {
        useTarget(registry, Target.REDIS);
    }

    @Override
    Target target() {
        return Target.REDIS;
    }
}
