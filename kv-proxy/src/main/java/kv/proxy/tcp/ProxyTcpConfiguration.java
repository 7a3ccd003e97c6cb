package kv.proxy.tcp;

import kv.protocol.endpoint.ClientRegistry;
import kv.protocol.endpoint.RespEndpoint;
import kv.protocol.endpoint.RespEndpointConfiguration;
import kv.protocol.endpoint.RespServerConnectionFactory;
import kv.protocol.resp.QueryBudget;
import kv.protocol.resp.RespLimits;
import kv.protocol.tls.TlsSettings;
import kv.proxy.cache.RoundMaintenance;
import kv.proxy.command.PipelineForwarder;
import kv.proxy.command.ProxyDispatcher;
import kv.proxy.config.ProxyProperties;
import kv.proxy.ops.CommandCounts;
import kv.proxy.session.ClientSession;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.integration.channel.DirectChannel;
import org.springframework.integration.handler.AbstractReplyProducingMessageHandler;
import org.springframework.integration.ip.tcp.inbound.TcpInboundGateway;

/**
 * The client-facing RESP endpoint, built like kv-server's: a Spring Integration TCP inbound
 * gateway on event loops, each request going down a direct channel to the
 * {@link PipelineForwarder} (GETs and SETs, forwarded a round at a time) and through it to the
 * {@link ProxyDispatcher} (everything else).
 */
@Configuration(proxyBeanMethods = false)
@Import(RespEndpointConfiguration.class)
class ProxyTcpConfiguration {

    @Bean
    ClientRegistry<ClientSession> clientRegistry() {
        return ClientSession.registry();
    }

    @Bean
    RespServerConnectionFactory proxyConnectionFactory(ProxyProperties properties, ClientRegistry<ClientSession> registry,
                                                       PipelineForwarder forwarder, RoundMaintenance cacheMaintenance, Environment environment,
                                                       kv.protocol.endpoint.AccessControl access,
                                                       ObjectProvider<SslBundles> sslBundles) {
        RespServerConnectionFactory factory = RespEndpoint.configure(new RespServerConnectionFactory(properties.port()),
                properties.bind(), new ProxyConnectionSupport(registry, properties.maxClients(), properties.limits().pubsubLimit(),
                        access::refusalAtConnect), RespLimits.DEFAULTS, properties.ioThreads());
        factory.setQueryBudget(new QueryBudget(properties.limits().queryBufferBytes(), "kv.proxy.limits.query-buffers"));
        factory.setOutputLimit(properties.limits().clientOutputBuffer().toBytes());
        // GET misses and SETs of every client of a round go to the backends together, one
        // pipeline per backend, before the round's replies are sent; then the cache's
        // bookkeeping for the round's writes runs, once.
        factory.setBeforeFlush(connections -> {
            forwarder.runRound();
            cacheMaintenance.runPending();
        });
        // TLS (kv.proxy.tls-port and the other tls-* settings, as Redis names them): a second
        // listener on the same event loops.
        TlsSettings tls = TlsSettings.bind(environment, "kv.proxy");
        if (tls.enabled()) {
            // kv.proxy.tls-bundle: a Spring Boot SSL bundle in place of the tls-*-file settings
            factory.setTls(tls.tlsPort(), tls.server("kv.proxy",
                    TlsSettings.bundle(environment, "kv.proxy", sslBundles.getIfAvailable())));
            factory.setTlsHandshakeTimeout(tls.tlsHandshakeTimeout());
        }
        return factory;
    }

    @Bean
    DirectChannel proxyRequests() {
        return new DirectChannel();
    }

    @Bean
    TcpInboundGateway proxyInboundGateway(RespServerConnectionFactory proxyConnectionFactory,
                                          DirectChannel proxyRequests) {
        return RespEndpoint.gateway(proxyConnectionFactory, proxyRequests);
    }

    @Bean
    AbstractReplyProducingMessageHandler proxyCommandHandler(PipelineForwarder pipelines, DirectChannel proxyRequests,
                                                             CommandCounts counts) {
        return RespEndpoint.handler(proxyRequests, ClientSession.class,
                (payload, session) -> {
                    counts.received(payload);
                    return pipelines.dispatch(payload, session);
                },
                (batch, session) -> {
                    counts.received(batch);
                    return pipelines.dispatch(batch, session);
                });
    }
}
