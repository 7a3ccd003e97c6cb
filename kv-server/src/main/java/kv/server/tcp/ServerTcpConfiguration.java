package kv.server.tcp;

import kv.protocol.resp.RespDecoder;
import kv.protocol.resp.RespLimits;
import kv.protocol.tcp.RespRequestDeserializer;
import kv.protocol.tcp.RespSerializer;
import kv.server.command.CommandDispatcher;
import kv.server.config.KvServerProperties;
import kv.server.store.KeyValueStore;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.integration.channel.DirectChannel;
import org.springframework.integration.handler.AbstractReplyProducingMessageHandler;
import org.springframework.integration.ip.tcp.inbound.TcpInboundGateway;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageChannel;
import org.springframework.util.IdGenerator;
import org.springframework.util.SimpleIdGenerator;

/**
 * The RESP endpoint: a Spring Integration TCP inbound gateway on a blocking ("Net") connection
 * factory, one thread per connection, which keeps pipelined replies in order. The gateway
 * sends each request down a direct channel to the {@link CommandDispatcher} and writes its
 * reply back on the same thread.
 */
@Configuration(proxyBeanMethods = false)
class ServerTcpConfiguration {

    @Bean
    KvServerConnectionFactory kvConnectionFactory(KvServerProperties properties, ClientRegistry registry,
                                                  KeyValueStore store) {
        KvServerConnectionFactory factory = new KvServerConnectionFactory(properties.port());
        factory.setLocalAddress(properties.bind());
        factory.setSoTcpNoDelay(true);
        factory.setSoKeepAlive(true);
        factory.setBacklog(511);
        factory.setLookupHost(false);
        factory.setTcpNetConnectionSupport(new KvConnectionSupport(registry, properties.maxClients(), store::makeDurable));
        factory.setMapper(new LeanMessageMapper());
        RespLimits limits = new RespLimits(properties.limits().maxBulk().toBytes(), properties.limits().maxArgs(),
                (int) properties.limits().maxInline().toBytes(), 1);
        factory.setDeserializer(new RespRequestDeserializer(new RespDecoder(limits)));
        factory.setSerializer(new RespSerializer());
        return factory;
    }

    @Bean
    MessageChannel kvRequests() {
        return new DirectChannel();
    }

    @Bean
    TcpInboundGateway kvInboundGateway(KvServerConnectionFactory factory, MessageChannel kvRequests) {
        TcpInboundGateway gateway = new TcpInboundGateway();
        gateway.setConnectionFactory(factory);
        gateway.setRequestChannel(kvRequests);
        return gateway;
    }

    @Bean
    AbstractReplyProducingMessageHandler kvCommandHandler(CommandDispatcher dispatcher, MessageChannel kvRequests) {
        AbstractReplyProducingMessageHandler handler = new AbstractReplyProducingMessageHandler() {
            @Override
            protected Object handleRequestMessage(Message<?> request) {
                ClientSession session = request.getHeaders().get(LeanMessageMapper.SESSION, ClientSession.class);
                return dispatcher.dispatch(request.getPayload(), session);
            }

            @Override
            protected boolean shouldCopyRequestHeaders() {
                return false;
            }
        };
        ((DirectChannel) kvRequests).subscribe(handler);
        return handler;
    }

    /** Message ids from a counter instead of random UUIDs: ids are not used across processes here. */
    @Bean
    IdGenerator messageIdGenerator() {
        return new SimpleIdGenerator();
    }
}
