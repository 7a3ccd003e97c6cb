package kv.protocol.endpoint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import kv.protocol.resp.QueryBudget;
import kv.protocol.tls.TlsEngines;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.integration.ip.tcp.connection.AbstractServerConnectionFactory;
import org.springframework.integration.ip.tcp.connection.TcpConnectionSupport;

/**
 * The listener of a kv service: a Spring Integration server connection factory whose client
 * connections are served by a few {@link EventLoop}s instead of a thread each. One thread
 * accepts; each new connection goes to the next loop in turn.
 *
 * <p>Design note: Spring Integration's own factories either give each connection a thread
 * (Net: on 2 cores, 50 clients cost 1.6 context switches per request) or read on a selector
 * and hand each message to another thread (NIO: pipelined replies come back out of order). This
 * one keeps the gateway, the message mapper, the (de)serializers and the connection events,
 * and runs each connection's requests on its loop's thread, in order.
 *
 * <p>With {@link #setTls} it also listens on a TLS port; its connections are served by the same
 * loops, through a {@link TlsTransport} (handshakes included: nothing blocks the accepting thread).
 */
public class RespServerConnectionFactory extends AbstractServerConnectionFactory {

    /** Creates the connection for a newly accepted channel (and the service's session for it). */
    @FunctionalInterface
    public interface ConnectionCreator {
        RespConnection<?> create(SocketChannel channel, ApplicationEventPublisher publisher, String factoryName);
    }

    private ConnectionCreator creator;
    private QueryBudget queryBudget;
    private long outputLimit;
    private int ioThreads = 1;
    private Consumer<List<RespConnection<?>>> beforeFlush = connections -> { };
    private volatile ServerSocketChannel serverChannel;
    private TlsEngines tls;
    private int tlsPort;
    private volatile ServerSocketChannel tlsChannel;
    private volatile HandshakeDeadlines handshakeDeadlines = new HandshakeDeadlines(HandshakeDeadlines.DEFAULT);
    private volatile EventLoop[] loops = new EventLoop[0];

    public RespServerConnectionFactory(int port) {
        super(port);
    }

    public void setConnectionCreator(ConnectionCreator creator) {
        this.creator = creator;
    }

    /** Bounds the memory all clients' requests still arriving hold together (default: none). */
    public void setQueryBudget(QueryBudget budget) {
        this.queryBudget = budget;
    }

    /** Unsent reply bytes at which a client is closed (see {@link RespConnection#outputLimit}); 0: none. */
    public void setOutputLimit(long bytes) {
        this.outputLimit = bytes;
    }

    /**
     * How long a TLS client may take to finish its handshake (from the accept) before it is
     * closed: one that connects and sends nothing, or half a ClientHello, holds no more than a
     * socket for that long ({@code 0}: no limit).
     */
    public void setTlsHandshakeTimeout(java.time.Duration timeout) {
        this.handshakeDeadlines = new HandshakeDeadlines(timeout);
    }

    /**
     * Also listens for TLS connections on {@code port} (Redis's {@code tls-port}), served by the
     * same event loops. With a TLS port, a plain port of 0 means no plain listener, as in Redis.
     */
    public void setTls(int port, TlsEngines engines) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("tls-port must be 1 to 65535, got " + port);
        }
        this.tlsPort = port;
        this.tls = engines;
    }

    /** True if there is a plain (not TLS) listener: always without TLS; with it, if the port is not 0. */
    public boolean plainEnabled() {
        return tls == null || super.getPort() != 0;
    }

    /** The TLS port listened on, or 0 without one. */
    public int getTlsPort() {
        ServerSocketChannel channel = tlsChannel;
        return channel != null && channel.socket().getLocalPort() > 0 ? channel.socket().getLocalPort() : tlsPort;
    }

    /** How many event loop threads serve the connections (default 1, as Redis). */
    public void setIoThreads(int ioThreads) {
        if (ioThreads < 1) {
            throw new IllegalArgumentException("io-threads must be at least 1");
        }
        this.ioThreads = ioThreads;
    }

    /**
     * Runs on a loop thread at the end of each round, before the replies of {@code connections}
     * are sent. It may close a connection to keep its replies from leaving.
     */
    public void setBeforeFlush(Consumer<List<RespConnection<?>>> hook) {
        this.beforeFlush = hook;
    }

    @Override
    public String getComponentType() {
        return "kv-resp-server-connection-factory";
    }

    @Override
    public int getPort() {
        ServerSocketChannel channel = serverChannel;
        if (super.getPort() == 0 && channel != null && channel.socket().getLocalPort() > 0) {
            return channel.socket().getLocalPort();
        }
        return super.getPort();
    }

    @Override
    public SocketAddress getServerSocketAddress() {
        ServerSocketChannel channel = serverChannel != null ? serverChannel : tlsChannel;
        return channel == null ? null : channel.socket().getLocalSocketAddress();
    }

    /**
     * Binds the port before returning, so a started factory is listening (and a port in use
     * fails the start with a clear error), then accepts on the factory's task executor.
     */
    @Override
    public void start() {
        if (isActive()) {
            return;
        }
        if (plainEnabled()) {
            serverChannel = listen(super.getPort());
        }
        if (tls != null) {
            try {
                tlsChannel = listen(tlsPort);
            }
            catch (RuntimeException e) {
                stopAccepting();
                throw e;
            }
        }
        EventLoop[] started = new EventLoop[ioThreads];
        for (int i = 0; i < started.length; i++) {
            started[i] = new EventLoop(getComponentName() + "-io-" + (i + 1), beforeFlush);
            started[i].start();
        }
        loops = started;
        super.start();
    }

    private ServerSocketChannel listen(int port) {
        try {
            ServerSocketChannel server = ServerSocketChannel.open();
            String bind = getLocalAddress();
            server.bind(bind == null ? new InetSocketAddress(port)
                    : new InetSocketAddress(InetAddress.getByName(bind), port), Math.abs(getBacklog()));
            return server;
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + getLocalAddress() + ":" + port, e);
        }
    }

    /**
     * The accept loop, on the factory's task executor: of the plain port, and of the TLS port
     * on a thread of its own; or of the TLS port alone.
     */
    @Override
    public void run() {
        ServerSocketChannel plain = serverChannel;
        ServerSocketChannel secure = tlsChannel;
        if (plain != null && secure != null) {
            Thread tlsAcceptor = new Thread(() -> accept(secure, tls), getComponentName() + "-tls-accept");
            tlsAcceptor.setDaemon(true);
            tlsAcceptor.start();
        }
        if (plain != null) {
            accept(plain, null);
        }
        else {
            accept(secure, tls);
        }
    }

    /** Accepts connections on {@code server} until stopped, speaking TLS on them if {@code engines} is set. */
    private void accept(ServerSocketChannel server, TlsEngines engines) {
        EventLoop[] started = loops;
        int port = server.socket().getLocalPort();
        try (server) {
            setListening(true);
            logger.info(() -> this + " listening on " + port + (engines == null ? "" : " (TLS)") + " with "
                    + started.length + " event loop(s)");
            publishServerListeningEvent(port);
            int next = 0;
            while (isActive()) {
                SocketChannel channel = server.accept();
                if (accepted(channel, started[next], engines)) {
                    next = (next + 1) % started.length;
                }
            }
        }
        catch (ClosedChannelException e) {
            logger.debug(() -> this + " stopped accepting");
        }
        catch (IOException e) {
            if (isActive()) {
                logger.error(e, "Error on the server socket; port = " + port);
                publishServerExceptionEvent(e);
            }
        }
        finally {
            setListening(false);
        }
    }

    private boolean accepted(SocketChannel channel, EventLoop loop, TlsEngines engines) throws IOException {
        if (isShuttingDown()) {
            channel.close();
            return false;
        }
        try {
            channel.configureBlocking(false);
            setSocketAttributes(channel.socket());
            RespConnection<?> connection = creator.create(channel, getApplicationEventPublisher(), getComponentName());
            TcpConnectionSupport wrapped = wrapConnection(connection);
            connection.forgetWith(() -> forget(wrapped));
            connection.input.budget(queryBudget);
            connection.outputLimit(outputLimit);
            TlsTransport transport = null;
            if (engines != null) {
                // No handshake here: it runs on the connection's loop as the client's bytes come.
                transport = TlsTransport.server(channel, engines);
                connection.useTls(transport);
            }
            initializeConnection(wrapped, channel.socket());
            connection.opened();
            loop.add(connection);
            if (transport != null) {
                handshakeDeadlines.watch(connection, transport, loop);
            }
            return true;
        }
        catch (IOException | RuntimeException e) {
            logger.error(e, "Failed to set up a connection from " + channel.socket().getRemoteSocketAddress());
            channel.close();
            return false;
        }
    }

    /**
     * Takes a closed connection off the factory's list, in O(1). Spring Integration's own way,
     * {@code harvestClosedConnections()} on each accept, walks every connection: accepting the
     * 10,000th took 100 times as long as the first.
     */
    private void forget(TcpConnectionSupport connection) {
        connectionsMonitor.lock();
        try {
            connections.remove(connection.getConnectionId());
        }
        finally {
            connectionsMonitor.unlock();
        }
    }

    /** The connections the factory holds: the open ones, each closed one gone at once (see {@link #forget}). */
    public int connectionCount() {
        connectionsMonitor.lock();
        try {
            return connections.size();
        }
        finally {
            connectionsMonitor.unlock();
        }
    }

    private final AtomicInteger nextServerLoop = new AtomicInteger();

    /**
     * The loop that should drive a new connection to a server behind this service: the calling
     * thread's own loop, so that a round forwarded from it is answered on it, or else the next
     * loop in turn.
     *
     * @throws IllegalStateException if the factory is not running
     */
    EventLoop loopForServerConnection() {
        EventLoop[] started = loops;
        if (!isActive() || started.length == 0) {
            throw new IllegalStateException(getComponentName() + " is not running: no event loop to serve a connection");
        }
        for (EventLoop loop : started) {
            if (loop.inLoop()) {
                return loop;
            }
        }
        return started[Math.floorMod(nextServerLoop.getAndIncrement(), started.length)];
    }

    /** Closes the listening socket; connections already open keep being served. */
    public void stopAccepting() {
        for (ServerSocketChannel channel : new ServerSocketChannel[] {serverChannel, tlsChannel}) {
            if (channel != null) {
                try {
                    channel.close();
                }
                catch (IOException ignored) {
                    // closing anyway
                }
            }
        }
    }

    /**
     * Stops accepting, lets each loop finish its round (writes applied, replies sent), then closes
     * each connection once its last replies have left: a FIN, not an RST (see {@link EventLoop#shutdown}).
     */
    @Override
    public void stop() {
        stopAccepting();
        for (EventLoop loop : loops) {
            loop.beginShutdown();
        }
        for (EventLoop loop : loops) {
            loop.shutdown();
        }
        super.stop();
    }
}
