package kv.server.tcp;

import kv.protocol.endpoint.RespEndpoint;
import kv.protocol.endpoint.RespServerConnectionFactory;
import kv.protocol.resp.RespLimits;
import kv.server.command.CommandDispatcher;
import kv.server.command.WriteBatcher;
import kv.server.config.KvServerProperties;
import io.micrometer.core.instrument.config.MeterFilter;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.integration.channel.DirectChannel;
import org.springframework.integration.handler.AbstractReplyProducingMessageHandler;
import org.springframework.integration.ip.tcp.inbound.TcpInboundGateway;
import org.springframework.util.IdGenerator;
import org.springframework.util.SimpleIdGenerator;

/**
 * The server's RESP endpoint (built as {@link RespEndpoint} describes): a TCP inbound gateway
 * on event loops, whose requests go down a direct channel to the {@link CommandDispatcher}.
 */
@Configuration(proxyBeanMethods = false)
class ServerTcpConfiguration {

    @Bean
    RespServerConnectionFactory kvConnectionFactory(KvServerProperties properties, ClientRegistry registry,
                                                    WriteBatcher batcher) {
        KvServerProperties.Limits limits = properties.limits();
        RespServerConnectionFactory factory = RespEndpoint.configure(new RespServerConnectionFactory(properties.port()),
                properties.bind(), new KvConnectionSupport(registry, properties.maxClients()),
                new RespLimits(limits.maxBulk().toBytes(), limits.maxArgs(), (int) limits.maxInline().toBytes(), 1),
                properties.ioThreads());
        // The writes of a whole round of requests, from every client, become one logged batch
        // before any of the round's replies leave.
        factory.setBeforeFlush(connections -> batcher.commitAll(ClientSession.of(connections)));
        return factory;
    }

    @Bean
    DirectChannel kvRequests() {
        return new DirectChannel();
    }

    @Bean
    TcpInboundGateway kvInboundGateway(RespServerConnectionFactory factory, DirectChannel kvRequests) {
        return RespEndpoint.gateway(factory, kvRequests);
    }

    @Bean
    AbstractReplyProducingMessageHandler kvCommandHandler(CommandDispatcher dispatcher, DirectChannel kvRequests) {
        return RespEndpoint.handler(kvRequests, ClientSession.class, dispatcher::dispatch);
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

    /** Message ids from a counter instead of random UUIDs: ids are not used across processes here. */
    @Bean
    IdGenerator messageIdGenerator() {
        return new SimpleIdGenerator();
    }
}
