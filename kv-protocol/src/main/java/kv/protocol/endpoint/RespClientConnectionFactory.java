package kv.protocol.endpoint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.function.Supplier;

import kv.protocol.tls.TlsEngines;
import org.springframework.integration.ip.tcp.connection.AbstractClientConnectionFactory;
import org.springframework.integration.ip.tcp.connection.TcpConnectionSupport;

/**
 * A Spring Integration client connection factory whose connections ({@link RespClientConnection})
 * are driven by the event loops of a {@link RespServerConnectionFactory}: kv-proxy's connections
 * to a backend, read and written on the same threads as the proxy's clients.
 *
 * <p>Connecting does not block the calling thread (often the event loop itself): a connection
 * is handed out at once, requests sent on it wait in its buffer until the connect completes,
 * and a connect that fails or takes longer than the connect timeout fails the connection and
 * the requests on it. Spring Integration's own client factories block the caller instead, so a
 * backend whose host silently drops packets would have stalled every client of the loop.
 */
public class RespClientConnectionFactory extends AbstractClientConnectionFactory {

    private final Supplier<RespServerConnectionFactory> loops;
    private long replyTimeoutMillis;
    private TlsEngines tls;
    private Object setUpRequest;

    /**
     * @param loops the listener whose event loops drive the connections; looked up when the
     *              first connection is made, so the two can be built in either order
     */
    public RespClientConnectionFactory(String host, int port, Supplier<RespServerConnectionFactory> loops) {
        super(host, port);
        this.loops = loops;
    }

    /** A request not answered within this time fails its connection (0: no limit). */
    public void setReplyTimeout(Duration timeout) {
        this.replyTimeoutMillis = timeout.toMillis();
    }

    /** Speaks TLS to the server, with engines that check its certificate (see {@code TlsSettings#client}). */
    public void setTls(TlsEngines engines) {
        this.tls = engines;
    }

    /**
     * A request each new connection sends before any other, such as {@code AUTH user password}
     * with the server's credentials; an error reply to it fails the connection.
     */
    public void setSetUpRequest(Object request) {
        this.setUpRequest = request;
    }

    /**
     * True on an event loop thread, which must never wait for a server's reply: it may be the
     * very thread that has to read it.
     */
    public static boolean onEventLoop() {
        return EventLoop.onAnyLoop();
    }

    @Override
    public void start() {
        setActive(true);
        super.start();
    }

    @Override
    public String getComponentType() {
        return "kv-resp-client-connection-factory";
    }

    @Override
    protected TcpConnectionSupport buildNewConnection() {
        EventLoop loop = loops.get().loopForServerConnection();
        SocketChannel channel = null;
        try {
            channel = SocketChannel.open();
            setSocketAttributes(channel.socket());
            channel.configureBlocking(false);
            boolean connected = channel.connect(new InetSocketAddress(getHost(), getPort()));
            RespClientConnection connection = new RespClientConnection(channel, getHost() + ":" + getPort(),
                    getPort(), connected, getApplicationEventPublisher(), getComponentName(), replyTimeoutMillis,
                    getConnectTimeout().toMillis());
            TcpConnectionSupport wrapped = wrapConnection(connection);
            connection.forgetWith(() -> {
                connectionsMonitor.lock();
                try {
                    connections.remove(wrapped.getConnectionId()); // in O(1), not harvestClosedConnections()'s walk
                }
                finally {
                    connectionsMonitor.unlock();
                }
            });
            initializeConnection(wrapped, channel.socket());
            if (tls != null) {
                connection.useTls(TlsTransport.client(channel, tls)); // the handshake starts with the first write
            }
            if (setUpRequest != null) {
                connection.setUp(setUpRequest);
            }
            connection.opened();
            loop.add(connection);
            return wrapped;
        }
        catch (IOException e) {
            if (channel != null) {
                try {
                    channel.close();
                }
                catch (IOException ignored) {
                    // failed anyway
                }
            }
            throw new UncheckedIOException("cannot connect to " + getHost() + ":" + getPort(), e);
        }
    }
}
