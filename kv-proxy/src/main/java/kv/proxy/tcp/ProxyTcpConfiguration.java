package kv.proxy.tcp;

import kv.protocol.resp.RespDecoder;
import kv.protocol.tcp.RespRequestDeserializer;
import kv.protocol.tcp.RespSerializer;
import kv.proxy.command.ProxyDispatcher;
import kv.proxy.config.ProxyProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.integration.channel.DirectChannel;
import org.springframework.integration.handler.AbstractReplyProducingMessageHandler;
import org.springframework.integration.ip.tcp.connection.TcpNetServerConnectionFactory;
import org.springframework.integration.ip.tcp.inbound.TcpInboundGateway;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageChannel;

/**
 * The client-facing RESP endpoint: a Spring Integration TCP inbound gateway on a blocking ("Net")
 * connection factory, one thread per client connection, which keeps pipelined replies in order.
 * Each request goes down a direct channel to the {@link ProxyDispatcher}, and its reply is written
 * back on the same thread, mirroring kv-server's endpoint.
 */
@Configuration(proxyBeanMethods = false)
class ProxyTcpConfiguration {

    @Bean
    TcpNetServerConnectionFactory proxyConnectionFactory(ProxyProperties properties, ClientRegistry registry) {
        TcpNetServerConnectionFactory factory = new TcpNetServerConnectionFactory(properties.port());
        factory.setLocalAddress(properties.bind());
        factory.setSoTcpNoDelay(true);
        factory.setSoKeepAlive(true);
        factory.setBacklog(511);
        factory.setLookupHost(false);
        factory.setTcpNetConnectionSupport(new ProxyConnectionSupport(registry));
        factory.setMapper(new LeanMessageMapper());
        factory.setDeserializer(new RespRequestDeserializer(new RespDecoder()));
        factory.setSerializer(new RespSerializer());
        return factory;
    }

    @Bean
    MessageChannel proxyRequests() {
        return new DirectChannel();
    }

    @Bean
    TcpInboundGateway proxyInboundGateway(TcpNetServerConnectionFactory proxyConnectionFactory,
                                          MessageChannel proxyRequests) {
        TcpInboundGateway gateway = new TcpInboundGateway();
        gateway.setConnectionFactory(proxyConnectionFactory);
        gateway.setRequestChannel(proxyRequests);
        return gateway;
    }

    @Bean
    AbstractReplyProducingMessageHandler proxyCommandHandler(ProxyDispatcher dispatcher,
                                                             MessageChannel proxyRequests) {
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
        ((DirectChannel) proxyRequests).subscribe(handler);
        return handler;
    }
}
