package kv.proxy.backend;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import kv.protocol.tcp.RespSerializer;
import kv.protocol.tls.TlsEngines;
import kv.protocol.tls.TlsSettings;
import kv.proxy.config.BackendAddress;
import kv.proxy.config.BackendGroupAddress;
import kv.proxy.config.ProxyProperties;
import kv.protocol.endpoint.RespClientConnectionFactory;
import kv.protocol.endpoint.RespServerConnectionFactory;
import kv.protocol.endpoint.SessionMessageMapper;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.integration.ip.tcp.connection.CachingClientConnectionFactory;

/**
 * Builds one {@link Backend} per entry of {@code kv.proxy.backends} (a server, or a group's
 * members joined by {@code |}), and for each member a client connection factory speaking RESP2
 * whose connections are driven by the proxy's own event loops ({@link RespClientConnectionFactory}),
 * pooled by a {@link CachingClientConnectionFactory}, behind a TCP outbound gateway in async mode.
 */
@Configuration(proxyBeanMethods = false)
class BackendConfiguration {

    @Bean
    Backends proxyBackends(ProxyProperties properties, BeanFactory beanFactory, ApplicationEventPublisher publisher,
                      MeterRegistry meters, ObjectProvider<RespServerConnectionFactory> listener, Environment environment) {
        // The backends' credentials (in their URIs, or kv.proxy.backend-user/-password for all) and
        // the TLS settings for rediss:// backends (kv.proxy.tls-ca-cert-file, tls-client-cert-file ...).
        BackendCredentials credentials = BackendCredentials.bind(environment);
        TlsSettings tls = TlsSettings.bind(environment, "kv.proxy");
        List<Backend> backends = new ArrayList<>();
        for (BackendGroupAddress configured : properties.backends()) {
            BackendGroupAddress group = configured.withDefaultCredentials(credentials.backendUser(),
                    credentials.backendPassword());
            List<GroupMember> members = new ArrayList<>();
            for (BackendAddress address : group.members()) {
                TlsEngines engines = address.tls() ? tls.client(address.host(), address.port(), "kv.proxy") : null;
                members.add(member(address, new BackendSockets(address, engines), engines, properties, beanFactory,
                        publisher, listener::getObject));
            }
            ProxyProperties.Timeouts timeouts = properties.timeouts();
            Timer latency = Timer.builder("kv.proxy.backend.latency")
                    .description("Time from sending a request to a backend to its reply")
                    .tag("backend", group.toString())
                    .publishPercentiles(0.5, 0.99)
                    .register(meters);
            backends.add(new Backend(group.toString(), members, properties.poolSize(), latency, timeouts.reply(),
                    timeouts.connect(), timeouts.failover()));
        }
        return new Backends(backends);
    }

    private static GroupMember member(BackendAddress address, BackendSockets sockets, TlsEngines tls,
                                      ProxyProperties properties, BeanFactory beanFactory,
                                      ApplicationEventPublisher publisher,
                                      Supplier<RespServerConnectionFactory> loops) {
        ProxyProperties.Timeouts timeouts = properties.timeouts();
        RespClientConnectionFactory target = new RespClientConnectionFactory(address.host(), address.port(), loops);
        if (tls != null) {
            target.setTls(tls);
        }
        target.setSetUpRequest(sockets.login()); // AUTH with the backend's credentials, first on each connection
        target.setSoTcpNoDelay(true);
        target.setSoKeepAlive(true);
        target.setConnectTimeout((int) Math.max(1, timeouts.connect().toSeconds()));
        target.setReplyTimeout(timeouts.reply());
        target.setMapper(new SessionMessageMapper());
        target.setSerializer(new RespSerializer());
        target.setLookupHost(false);
        target.setBeanFactory(beanFactory);
        target.setApplicationEventPublisher(publisher);
        target.setBeanName("backend-" + address);
        target.afterPropertiesSet();

        // One connection more than requests in flight: see Backend.callAllAsync.
        CachingClientConnectionFactory pool = new CachingClientConnectionFactory(target, properties.poolSize() + 1);
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
        // timeout. Instead the connection fails a request left unanswered for the reply timeout
        // (which also keeps that connection out of the pool), checked by its event loop.
        gateway.setRemoteTimeout(0);
        gateway.setRequestTimeout(timeouts.reply().toMillis());
        gateway.setAsync(true);
        gateway.setBeanFactory(beanFactory);
        gateway.setBeanName("backend-gateway-" + address);
        gateway.afterPropertiesSet();
        gateway.start();
        return new GroupMember(address, sockets, gateway, pool);
    }
}
