package kv.compat.frameworks.spring;

import kv.compat.support.Target;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** {@link SpringDataRedisScenarios} against kv-proxy, in front of a kv-server. */
class SpringDataRedisAgainstKvProxyTest extends SpringDataRedisScenarios {

    @DynamicPropertySource
    static void pointAt(DynamicPropertyRegistry registry) {
        useTarget(registry, Target.KV_PROXY);
    }

    @Override
    Target target() {
        return Target.KV_PROXY;
    }
}
