package kv.server.tcp;

import kv.protocol.endpoint.ClientRegistry;
import kv.protocol.endpoint.RespEndpoint;
import kv.protocol.endpoint.RespEndpointConfiguration;
import kv.protocol.endpoint.RespServerConnectionFactory;
import kv.protocol.resp.QueryBudget;
import kv.protocol.resp.RespLimits;
import kv.protocol.tls.TlsSettings;
import kv.server.command.CommandDispatcher;
import kv.server.command.WriteBatcher;
import kv.server.config.KvServerProperties;
import kv.server.config.PubSubProperties;
import kv.server.session.ClientSession;
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
 * The server's RESP endpoint (built as {@link RespEndpoint} describes): a TCP inbound gateway
 * on event loops, whose requests go down a direct channel to the {@link CommandDispatcher}.
 */
@Configuration(proxyBeanMethods = false)
@Import(RespEndpointConfiguration.class)
class ServerTcpConfiguration {

    @Bean
    ClientRegistry<ClientSession> clientRegistry() {
        return ClientSession.registry();
    }

    @Bean
    RespServerConnectionFactory kvConnectionFactory(KvServerProperties properties, ClientRegistry<ClientSession> registry,
                                                    WriteBatcher batcher, PubSubProperties pubSub, Environment environment,
                                                    kv.protocol.endpoint.AccessControl access,
                                                    kv.server.command.Replication replication,
                                                    ObjectProvider<SslBundles> sslBundles) {
        KvServerProperties.Limits limits = properties.limits();
        RespServerConnectionFactory factory = RespEndpoint.configure(new RespServerConnectionFactory(properties.port()),
                properties.bind(), new KvConnectionSupport(registry, properties.maxClients(), pubSub.outputLimit(),
                        access::refusalAtConnect),
                new RespLimits(limits.maxBulk().toBytes(), limits.maxArgs(), (int) limits.maxInline().toBytes(), 1),
                properties.ioThreads());
        factory.setQueryBudget(new QueryBudget(limits.queryBufferBytes(), "kv.server.limits.query-buffers"));
        factory.setOutputLimit(limits.clientOutputBuffer().toBytes());
        // The writes of a whole round of requests, from every client, become one logged batch
        // before any of the round's replies leave.
        // In cluster mode a leader's round with reads then confirms it still leads (the read
        // barrier, see RaftNode); if it cannot, the round's replies never leave.
        factory.setBeforeFlush(connections -> {
            batcher.commitAll(ClientSession.of(connections));
            if (!replication.confirmRound()) {
                ClientSession.of(connections).forEach(ClientSession::abort);
            }
        });
        // TLS (kv.server.tls-port and the other tls-* settings, as Redis names them): a second
        // listener on the same event loops.
        TlsSettings tls = TlsSettings.bind(environment, "kv.server");
        if (tls.enabled()) {
            // kv.server.tls-bundle: a Spring Boot SSL bundle in place of the tls-*-file settings
            factory.setTls(tls.tlsPort(), tls.server("kv.server",
                    TlsSettings.bundle(environment, "kv.server", sslBundles.getIfAvailable())));
            factory.setTlsHandshakeTimeout(tls.tlsHandshakeTimeout());
        }
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
}
