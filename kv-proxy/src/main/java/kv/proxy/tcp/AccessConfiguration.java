package kv.proxy.tcp;

import java.io.IOException;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import kv.protocol.acl.AclException;
import kv.protocol.acl.Users;
import kv.protocol.endpoint.AccessControl;
import kv.protocol.endpoint.ClientRegistry;
import kv.proxy.config.AccessProperties;
import kv.proxy.session.ClientSession;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The proxy's own ACL users ({@code kv.proxy.requirepass}, {@code kv.proxy.acl-file}) and the
 * access check its dispatcher makes; failed authentications are counted as {@code kv.auth.failures}.
 */
@Configuration(proxyBeanMethods = false)
class AccessConfiguration {

    @Bean
    Users users(AccessProperties properties) throws IOException {
        try {
            return Users.configured(properties.requirepass(), properties.aclFile());
        }
        catch (AclException e) {
            throw new IllegalStateException("kv.proxy.acl-file " + properties.aclFile() + ": " + e.getMessage(), e);
        }
    }

    @Bean
    AccessControl accessControl(Users users, ClientRegistry<ClientSession> registry, MeterRegistry meters,
                                AccessProperties properties, kv.proxy.config.ProxyProperties service) {
        FunctionCounter.builder("kv.auth.failures", users, Users::failedAuths)
                .description("Failed AUTH and HELLO AUTH attempts").register(meters);
        AccessControl access = new AccessControl(users, registry);
        access.protectedMode(properties.protectedMode(), service.bind(), "kv.proxy");
        return access;
    }
}
