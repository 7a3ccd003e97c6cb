package kv.server.tcp;

import java.io.IOException;

import io.micrometer.core.instrument.MeterRegistry;
import kv.protocol.acl.Users;
import kv.protocol.endpoint.AccessControl;
import kv.protocol.endpoint.AccessSetup;
import kv.protocol.endpoint.ClientRegistry;
import kv.server.config.AccessProperties;
import kv.server.session.ClientSession;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The server's ACL users ({@code kv.server.requirepass}, {@code kv.server.acl-file}) and the
 * access check its dispatcher makes ({@link AccessSetup}).
 */
@Configuration(proxyBeanMethods = false)
class AccessConfiguration {

    @Bean
    Users users(AccessProperties properties) throws IOException {
        return AccessSetup.users("kv.server", properties.requirepass(), properties.aclFile());
    }

    /** CONFIG SET requirepass (a row of the CONFIG SET table). */
    @Bean
    kv.protocol.config.RuntimeSetting requirepass(Users users) {
        return kv.protocol.config.RuntimeSetting.requirepass(users);
    }

    @Bean
    AccessControl accessControl(Users users, ClientRegistry<ClientSession> registry, MeterRegistry meters,
                                AccessProperties properties, kv.server.config.KvServerProperties service) {
        return AccessSetup.accessControl("kv.server", users, registry, meters, properties.protectedMode(), service.bind());
    }
}
