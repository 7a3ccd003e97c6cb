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
        ServerSocketChannel channel = serverChannel;
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
        try {
            ServerSocketChannel server = ServerSocketChannel.open();
            String bind = getLocalAddress();
            server.bind(bind == null ? new InetSocketAddress(super.getPort())
                    : new InetSocketAddress(InetAddress.getByName(bind), super.getPort()), Math.abs(getBacklog()));
            serverChannel = server;
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + getLocalAddress() + ":" + super.getPort(), e);
        }
        EventLoop[] started = new EventLoop[ioThreads];
        for (int i = 0; i < started.length; i++) {
            started[i] = new EventLoop(getComponentName() + "-io-" + (i + 1), beforeFlush);
            started[i].start();
        }
        loops = started;
        super.start();
    }

    /** The accept loop, on the factory's task executor. */
    @Override
    public void run() {
        ServerSocketChannel server = serverChannel;
        EventLoop[] started = loops;
        try (server) {
            setListening(true);
            logger.info(() -> this + " listening on " + getPort() + " with " + started.length + " event loop(s)");
            publishServerListeningEvent(getPort());
            int next = 0;
            while (isActive()) {
                SocketChannel channel = server.accept();
                if (accepted(channel, started[next])) {
                    next = (next + 1) % started.length;
                }
            }
        }
        catch (ClosedChannelException e) {
            logger.debug(() -> this + " stopped accepting");
        }
        catch (IOException e) {
            if (isActive()) {
                logger.error(e, "Error on the server socket; port = " + getPort());
                publishServerExceptionEvent(e);
            }
        }
        finally {
            setListening(false);
        }
    }

    private boolean accepted(SocketChannel channel, EventLoop loop) throws IOException {
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
            initializeConnection(wrapped, channel.socket());
            connection.opened();
            loop.add(connection);
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
        ServerSocketChannel channel = serverChannel;
        if (channel != null) {
            try {
                channel.close();
            }
            catch (IOException ignored) {
                // closing anyway
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
