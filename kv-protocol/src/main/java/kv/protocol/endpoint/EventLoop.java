package kv.protocol.endpoint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * One thread that serves many client connections, as Redis's event loop does: it waits until some
 * have bytes to read, runs every whole request they sent (each goes through the Spring
 * Integration inbound gateway, on this thread), and then, once per round, sends all the replies
 * of the round.
 *
 * <p>Design note: a round ends with the {@code beforeFlush} hook, given every connection with
 * replies to send, and only then are the replies sent. The server applies the writes of the
 * whole round there as one atomic, logged batch (group commit across clients), so no
 * acknowledgement ever leaves before the write it acknowledges. One round costs one
 * {@code epoll_wait}, one read per ready client and one write per answered client: the thread
 * hand-offs and context switches of a thread per connection are gone.
 */
final class EventLoop implements Runnable {

    private static final Log logger = LogFactory.getLog(EventLoop.class);

    private final Selector selector;
    private final Thread thread;
    private final Consumer<List<RespConnection<?>>> beforeFlush;
    private final Queue<RespConnection<?>> arrivals = new ConcurrentLinkedQueue<>();
    /** Connections other threads wrote to (pushes); their output leaves with the next round. */
    private final Queue<RespConnection<?>> flushRequests = new ConcurrentLinkedQueue<>();
    /** Connections with replies to send at the end of this round (loop thread only). */
    private final List<RespConnection<?>> dirty = new ArrayList<>();
    /** Connections whose buffered requests wait for their output to drain (loop thread only). */
    private final List<RespConnection<?>> resumable = new ArrayList<>();
    private volatile boolean running = true;

    EventLoop(String name, Consumer<List<RespConnection<?>>> beforeFlush) {
        try {
            this.selector = Selector.open();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.beforeFlush = beforeFlush;
        this.thread = new Thread(this, name);
    }

    void start() {
        thread.start();
    }

    /** Hands a new connection to this loop (from the accepting thread). */
    void add(RespConnection<?> connection) {
        arrivals.add(connection);
        selector.wakeup();
    }

    boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    /** The connection has replies to send this round (loop thread). */
    void markDirty(RespConnection<?> connection) {
        dirty.add(connection);
    }

    /** Another thread wrote to the connection: send it with the next round. */
    void requestFlush(RespConnection<?> connection) {
        flushRequests.add(connection);
        selector.wakeup();
    }

    /** The connection has whole requests buffered that it held back; run them next round. */
    void resume(RespConnection<?> connection) {
        resumable.add(connection);
    }

    /** Finishes the round under way (its writes applied, its replies sent) and stops. */
    void shutdown() {
        running = false;
        selector.wakeup();
        if (!inLoop()) {
            try {
                thread.join(10_000);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void run() {
        while (running) {
            try {
                if (resumable.isEmpty()) {
                    selector.select(this::ready);
                }
                else {
                    selector.selectNow(this::ready);
                }
                round();
            }
            catch (IOException | RuntimeException e) {
                logger.error("Event loop " + thread.getName() + " failed a round; carrying on", e);
            }
        }
        try {
            selector.close();
        }
        catch (IOException ignored) {
            // closing anyway
        }
    }

    private void ready(SelectionKey key) {
        RespConnection<?> connection = (RespConnection<?>) key.attachment();
        if (!key.isValid()) {
            return;
        }
        if (key.isWritable()) {
            connection.onWritable();
        }
        if (key.isValid() && key.isReadable()) {
            connection.onReadable();
        }
    }

    private void round() {
        RespConnection<?> arrived;
        while ((arrived = arrivals.poll()) != null) {
            register(arrived);
        }
        if (!resumable.isEmpty()) {
            List<RespConnection<?>> resuming = new ArrayList<>(resumable);
            resumable.clear();
            resuming.forEach(RespConnection::handleRequests);
        }
        RespConnection<?> pushed;
        while ((pushed = flushRequests.poll()) != null) {
            pushed.flushRequestTaken();
        }
        if (dirty.isEmpty()) {
            return;
        }
        try {
            beforeFlush.accept(List.copyOf(dirty));
        }
        catch (RuntimeException e) {
            // The hook closed the connections whose replies must not leave; send the others.
            logger.warn("Before-flush hook failed: " + e);
        }
        for (int i = 0; i < dirty.size(); i++) {
            dirty.get(i).flush();
        }
        dirty.clear();
    }

    private void register(RespConnection<?> connection) {
        try {
            SelectionKey key = connection.channel().register(selector, SelectionKey.OP_READ, connection);
            connection.attach(this, key);
        }
        catch (ClosedChannelException e) {
            connection.close();
        }
    }
}
