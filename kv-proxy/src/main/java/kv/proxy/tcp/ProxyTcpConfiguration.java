package kv.proxy.tcp;

import kv.protocol.endpoint.RespEndpoint;
import kv.protocol.endpoint.RespServerConnectionFactory;
import kv.protocol.resp.RespLimits;
import kv.proxy.command.PipelineForwarder;
import kv.proxy.command.ProxyDispatcher;
import kv.proxy.config.ProxyProperties;
import io.micrometer.core.instrument.config.MeterFilter;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.integration.channel.DirectChannel;
import org.springframework.integration.handler.AbstractReplyProducingMessageHandler;
import org.springframework.integration.ip.tcp.inbound.TcpInboundGateway;

/**
 * The client-facing RESP endpoint: a Spring Integration TCP inbound gateway on a blocking ("Net")
 * connection factory, one thread per client connection, which keeps pipelined replies in order.
 * Each request goes down a direct channel to the {@link ProxyDispatcher}, and its reply is written
 * back on the same thread, mirroring kv-server's endpoint.
 */
@Configuration(proxyBeanMethods = false)
class ProxyTcpConfiguration {

    @Bean
    RespServerConnectionFactory proxyConnectionFactory(ProxyProperties properties, ClientRegistry registry) {
        return RespEndpoint.configure(new RespServerConnectionFactory(properties.port()), properties.bind(),
                new ProxyConnectionSupport(registry), RespLimits.DEFAULTS, properties.ioThreads());
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
    AbstractReplyProducingMessageHandler proxyCommandHandler(ProxyDispatcher dispatcher, PipelineForwarder pipelines,
                                                             DirectChannel proxyRequests) {
        return RespEndpoint.handler(proxyRequests, ClientSession.class, dispatcher::dispatch, pipelines::dispatch);
    }

    /**
     * Spring Integration would time every channel send and handler call; each request passes one
     * of each, and the per-command timers already measure it (a JFR profile under
     * redis-benchmark showed those samples among the per-request costs).
     */
    @Bean
    MeterFilter denySpringIntegrationMeters() {
        return MeterFilter.denyNameStartsWith("spring.integration");
    }
}
