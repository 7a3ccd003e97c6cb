package kv.protocol.endpoint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.function.Supplier;

import org.springframework.integration.ip.tcp.connection.AbstractClientConnectionFactory;
import org.springframework.integration.ip.tcp.connection.TcpConnectionSupport;

/**
 * A Spring Integration client connection factory whose connections ({@link RespClientConnection})
 * are driven by the event loops of a {@link RespServerConnectionFactory}: kv-proxy's connections
 * to a backend, read and written on the same threads as the proxy's clients.
 *
 * <p>Connecting blocks the calling thread for at most the connect timeout, as Spring
 * Integration's own client factories do; everything after that is non-blocking.
 */
public class RespClientConnectionFactory extends AbstractClientConnectionFactory {

    private final Supplier<RespServerConnectionFactory> loops;
    private long replyTimeoutMillis;

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
            channel.socket().connect(new InetSocketAddress(getHost(), getPort()),
                    (int) Math.min(Integer.MAX_VALUE, getConnectTimeout().toMillis()));
            channel.configureBlocking(false);
            RespClientConnection connection = new RespClientConnection(channel, getApplicationEventPublisher(),
                    getComponentName(), replyTimeoutMillis);
            TcpConnectionSupport wrapped = wrapConnection(connection);
            initializeConnection(wrapped, channel.socket());
            connection.opened();
            loop.add(connection);
            harvestClosedConnections();
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
