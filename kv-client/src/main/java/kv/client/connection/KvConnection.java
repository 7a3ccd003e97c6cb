package kv.client.connection;

import java.time.Duration;

import javax.net.ssl.SSLContext;

import kv.client.config.KvClientProperties;
import kv.protocol.resp.Request;
import kv.protocol.resp.RespValue;
import kv.protocol.tcp.RespSerializer;
import kv.protocol.tcp.RespValueDeserializer;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.integration.channel.DirectChannel;
import org.springframework.integration.core.MessagingTemplate;
import org.springframework.integration.ip.tcp.connection.DefaultTcpNetSSLSocketFactorySupport;
import org.springframework.integration.ip.tcp.connection.DefaultTcpSocketSupport;
import org.springframework.integration.ip.tcp.connection.TcpConnectionCloseEvent;
import org.springframework.integration.ip.tcp.connection.TcpConnectionExceptionEvent;
import org.springframework.integration.ip.tcp.connection.TcpNetClientConnectionFactory;
import org.springframework.integration.ip.tcp.outbound.TcpOutboundGateway;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessagingException;
import org.springframework.messaging.support.GenericMessage;
import org.springframework.stereotype.Component;

/**
 * The shell's one connection to kv: a Spring Integration {@link TcpOutboundGateway} over a
 * shared (not single-use) {@link TcpNetClientConnectionFactory}, speaking RESP with the shared
 * codec.
 *
 * <p>Design note: the gateway reconnects by itself when the shared connection has closed, so
 * the shell survives a server restart without doing anything. What it must redo on every new
 * connection is the handshake: {@code HELLO 3} (RESP3, so that attributes can reach us) and
 * {@code CLIENT KVSOURCE ON} (asks a kv-proxy to mark where each GET answer came from; a
 * kv-server or Redis answers an error, which we ignore). The factory tells us when a connection
 * closes; the next command then starts with the handshake. {@code connect} replaces the factory.
 */
@Component
public class KvConnection implements DisposableBean {

    private final KvClientProperties properties;
    private final BeanFactory beanFactory;
    private Target target;
    private TcpNetClientConnectionFactory connectionFactory;
    private DirectChannel requests;
    private MessagingTemplate messaging;
    private volatile boolean handshakeNeeded = true;
    private char[] password;
    private boolean passwordLooked;
    private ServerInfo server = ServerInfo.UNKNOWN;

    public KvConnection(KvClientProperties properties, BeanFactory beanFactory) {
        this.properties = properties;
        this.beanFactory = beanFactory;
        this.target = new Target(properties.host(), properties.port());
    }

    public synchronized Target target() {
        return target;
    }

    /** What the last handshake learned; {@link ServerInfo#UNKNOWN} before the first one. */
    public synchronized ServerInfo server() {
        return server;
    }

    /** Sends one command and waits for its answer; connects (and shakes hands) first if needed. */
    public synchronized Answer send(Request request) throws UnreachableException {
        start();
        if (handshakeNeeded) {
            handshake();
        }
        long started = System.nanoTime();
        RespValue reply = exchange(request);
        return Answer.of(reply, Duration.ofNanos(System.nanoTime() - started));
    }

    /** What is at the other end, connecting and shaking hands first if that has not happened. */
    public synchronized ServerInfo handshaken() throws UnreachableException {
        start();
        if (handshakeNeeded) {
            handshake();
        }
        return server;
    }

    /** Connects now (or again) and shakes hands; for the shell's greeting and {@code connect}. */
    public synchronized ServerInfo open() throws UnreachableException {
        start();
        handshake();
        return server;
    }

    /** Points the shell at another kv; the old connection is closed, the new one opened. */
    public synchronized ServerInfo connect(Target newTarget) throws UnreachableException {
        stop();
        target = newTarget;
        server = ServerInfo.UNKNOWN;
        return open();
    }

    private void handshake() throws UnreachableException {
        char[] secret = password();
        RespValue hello = Answer.of(exchange(secret == null ? Request.of("HELLO", "3")
                : Request.of("HELLO", "3", "AUTH", properties.user() == null ? "default" : properties.user(),
                        new String(secret))), Duration.ZERO).value();
        if (secret != null && hello instanceof RespValue.Error error && isRefusedLogin(error)) {
            throw new UnreachableException(target, error.message());
        }
        ServerInfo info = hello instanceof RespValue.Error ? ServerInfo.UNKNOWN : ServerInfo.fromHello(hello);
        if (info.protocol() == 3) {
            RespValue marking = Answer.of(exchange(Request.of("CLIENT", "KVSOURCE", "ON")), Duration.ZERO).value();
            info = info.withSourceMarking(marking instanceof RespValue.SimpleString ok && ok.value().equals("OK"));
        }
        server = info;
        handshakeNeeded = false;
    }

    /** The password, looked up once ({@link Password}: KV_PASSWORD or a prompt); null for none. */
    private char[] password() {
        if (!passwordLooked) {
            password = Password.find(System::getenv, properties.user(), properties.askpass(), System.console());
            passwordLooked = true;
        }
        return password;
    }

    /** Redis's answers to a login it refuses (a wrong password, or a server without users). */
    private static boolean isRefusedLogin(RespValue.Error error) {
        String message = error.message();
        return message.startsWith("WRONGPASS") || message.startsWith("ERR AUTH") || message.startsWith("NOPERM")
                || message.contains("no password") || message.contains("no users");
    }

    private RespValue exchange(Request request) throws UnreachableException {
        try {
            Message<?> reply = messaging.sendAndReceive(requests, new GenericMessage<>(request));
            if (reply == null) {
                throw new UnreachableException(target, "no answer within " + properties.replyTimeout().toMillis()
                        + " ms");
            }
            return (RespValue) reply.getPayload();
        }
        catch (MessagingException e) {
            handshakeNeeded = true;
            throw UnreachableException.of(target, e, properties.replyTimeout());
        }
    }

    private void start() {
        if (connectionFactory != null) {
            return;
        }
        TcpNetClientConnectionFactory factory = new TcpNetClientConnectionFactory(target.host(), target.port());
        factory.setSingleUse(false);
        factory.setSerializer(new RespSerializer());
        factory.setDeserializer(new RespValueDeserializer());
        factory.setSoTcpNoDelay(true);
        factory.setConnectTimeout(Math.max(1, (int) properties.connectTimeout().toSeconds()));
        if (properties.tls()) {
            SSLContext context = ClientTls.context(properties, target.host(), target.port());
            factory.setTcpSocketFactorySupport(new DefaultTcpNetSSLSocketFactorySupport(() -> context));
            factory.setTcpSocketSupport(new DefaultTcpSocketSupport(true));
        }
        factory.setBeanFactory(beanFactory);
        // Only the close matters: it means the next connection needs the handshake again.
        factory.setApplicationEventPublisher(event -> {
            if (event instanceof TcpConnectionCloseEvent || event instanceof TcpConnectionExceptionEvent) {
                handshakeNeeded = true;
            }
        });
        factory.afterPropertiesSet();

        TcpOutboundGateway gateway = new TcpOutboundGateway();
        gateway.setConnectionFactory(factory);
        gateway.setRemoteTimeout(properties.replyTimeout().toMillis());
        gateway.setRequestTimeout(properties.replyTimeout().toMillis());
        gateway.setBeanFactory(beanFactory);
        gateway.afterPropertiesSet();

        DirectChannel channel = new DirectChannel();
        channel.setBeanFactory(beanFactory);
        channel.afterPropertiesSet();
        channel.subscribe(gateway);
        MessagingTemplate template = new MessagingTemplate();
        template.setReceiveTimeout(properties.replyTimeout().toMillis() + 1000);

        factory.start();
        gateway.start();
        this.connectionFactory = factory;
        this.requests = channel;
        this.messaging = template;
        this.handshakeNeeded = true;
    }

    private void stop() {
        if (connectionFactory != null) {
            connectionFactory.stop();
            connectionFactory = null;
        }
    }

    @Override
    public synchronized void destroy() {
        stop();
    }
}
