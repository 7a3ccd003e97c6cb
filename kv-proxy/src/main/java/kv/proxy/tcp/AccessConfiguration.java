package kv.proxy.tcp;

import java.io.IOException;

import io.micrometer.core.instrument.MeterRegistry;
import kv.protocol.acl.Users;
import kv.protocol.endpoint.AccessControl;
import kv.protocol.endpoint.AccessSetup;
import kv.protocol.endpoint.ClientRegistry;
import kv.proxy.config.AccessProperties;
import kv.proxy.session.ClientSession;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The proxy's own ACL users ({@code kv.proxy.requirepass}, {@code kv.proxy.acl-file}) and the
 * access check its dispatcher makes ({@link AccessSetup}).
 */
@Configuration(proxyBeanMethods = false)
class AccessConfiguration {

    @Bean
    Users users(AccessProperties properties) throws IOException {
        return AccessSetup.users("kv.proxy", properties.requirepass(), properties.aclFile());
    }

    /** CONFIG SET requirepass (a row of the CONFIG SET table). */
    @Bean
    kv.protocol.config.RuntimeSetting requirepass(Users users) {
        return kv.protocol.config.RuntimeSetting.requirepass(users);
    }

    @Bean
    AccessControl accessControl(Users users, ClientRegistry<ClientSession> registry, MeterRegistry meters,
                                AccessProperties properties, kv.proxy.config.ProxyProperties service) {
        return AccessSetup.accessControl("kv.proxy", users, registry, meters, properties.protectedMode(), service.bind());
    }
}
