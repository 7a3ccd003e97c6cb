package kv.proxy.backend;

import java.util.ArrayList;
import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import kv.protocol.tcp.RespSerializer;
import kv.proxy.config.BackendAddress;
import kv.proxy.config.ProxyProperties;
import kv.protocol.endpoint.SessionMessageMapper;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.integration.ip.tcp.connection.CachingClientConnectionFactory;
import org.springframework.integration.ip.tcp.connection.TcpNetClientConnectionFactory;

/**
 * Builds one {@link Backend} per entry of {@code kv.proxy.backends}: a blocking ("Net") client
 * connection factory speaking RESP2, pooled by a {@link CachingClientConnectionFactory}, behind a
 * TCP outbound gateway with the configured reply timeout.
 */
@Configuration(proxyBeanMethods = false)
class BackendConfiguration {

    @Bean
    Backends proxyBackends(ProxyProperties properties, BeanFactory beanFactory, ApplicationEventPublisher publisher,
                      MeterRegistry meters) {
        List<Backend> backends = new ArrayList<>();
        for (BackendAddress address : properties.backends()) {
            backends.add(create(address, properties, beanFactory, publisher, meters));
        }
        return new Backends(backends);
    }

    private static Backend create(BackendAddress address, ProxyProperties properties, BeanFactory beanFactory,
                                  ApplicationEventPublisher publisher, MeterRegistry meters) {
        ProxyProperties.Timeouts timeouts = properties.timeouts();
        TcpNetClientConnectionFactory target = new TcpNetClientConnectionFactory(address.host(), address.port());
        target.setSoTcpNoDelay(true);
        target.setSoKeepAlive(true);
        target.setConnectTimeout((int) Math.max(1, timeouts.connect().toSeconds()));
        target.setMapper(new SessionMessageMapper());
        target.setSerializer(new RespSerializer());
        target.setDeserializer(new BackendReplyDeserializer());
        target.setLookupHost(false);
        target.setTcpNetConnectionSupport(new BackendConnection.Support());
        target.setBeanFactory(beanFactory);
        target.setApplicationEventPublisher(publisher);
        target.setBeanName("backend-" + address);
        target.afterPropertiesSet();

        CachingClientConnectionFactory pool = new CachingClientConnectionFactory(target, properties.poolSize());
        pool.setConnectionWaitTimeout((int) timeouts.reply().toMillis());
        pool.setBeanFactory(beanFactory);
        pool.setApplicationEventPublisher(publisher);
        pool.setBeanName("backend-pool-" + address);
        pool.afterPropertiesSet();

        BackendGateway gateway = new BackendGateway();
        gateway.setConnectionFactory(pool);
        // No reply timer inside the gateway: in async mode Spring Integration 7.0.5 schedules one
        // per request and never cancels it (AsyncReply's cancel runs on a thenApply stage that
        // is never completed), so every request and its message stayed referenced for the whole
        // timeout; Backend puts its own timer, cancelled on reply, on each future instead.
        gateway.setRemoteTimeout(0);
        gateway.setRequestTimeout(timeouts.reply().toMillis());
        gateway.setAsync(true);
        gateway.setBeanFactory(beanFactory);
        gateway.setBeanName("backend-gateway-" + address);
        gateway.afterPropertiesSet();
        gateway.start();

        Timer latency = Timer.builder("kv.proxy.backend.latency")
                .description("Time from sending a request to a backend to its reply")
                .tag("backend", address.toString())
                .publishPercentiles(0.5, 0.99)
                .register(meters);
        return new Backend(address, gateway, pool, latency, timeouts.reply());
    }
}
