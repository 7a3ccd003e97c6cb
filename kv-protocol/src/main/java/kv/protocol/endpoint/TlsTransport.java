package kv.protocol.endpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;

import kv.protocol.tls.TlsEngines;
import tlschannel.ClientTlsChannel;
import tlschannel.NeedsReadException;
import tlschannel.NeedsTaskException;
import tlschannel.NeedsWriteException;
import tlschannel.ServerTlsChannel;
import tlschannel.TlsChannel;

/**
 * The bytes of one TLS connection as an {@link EventLoop} reads and writes them: the
 * <a href="https://github.com/marianobarrios/tls-channel">tls-channel</a> library's
 * {@link TlsChannel} over the non-blocking socket, which does the TLS work (handshakes, records,
 * renegotiation, close_notify) with the JDK's {@link SSLEngine}. This class only turns its
 * "would block" exceptions into what the loop understands: a read or write that did less, and
 * what the socket must become ready for before it goes on ({@link #adjust}).
 *
 * <p>Design note: tls-channel was chosen over Netty's {@code SslHandler} because it is made for
 * exactly this, a selector loop that owns the socket: it is a {@code ByteChannel}, so the
 * connection's reading and writing code stays as it is, where SslHandler would need a Netty
 * channel pipeline (an {@code EmbeddedChannel}) between the loop and the socket. Three things
 * the loop must know that a plain socket does not have:
 * <ul>
 *   <li>A handshake may make a write wait for the peer's bytes, or a read wait for room to send:
 *       {@link #adjust} swaps the interest accordingly, and the loop retries the other side.</li>
 *   <li>The engine's delegated tasks (key exchange, signing, certificate checks: milliseconds
 *       each) run on {@link #TASKS}, never on the loop; meanwhile the connection waits for
 *       nothing, and the task's end hands it back to its loop.</li>
 *   <li>Decrypted bytes can wait inside the channel, where the selector cannot see them: a read
 *       that filled its buffer may have left some, so the loop reads again next round
 *       ({@link #mayHaveBufferedInput}).</li>
 * </ul>
 */
final class TlsTransport implements ByteChannel {

    /** Threads for the engines' delegated tasks, shared by every TLS connection of the JVM. */
    static final Executor TASKS = tasks();

    private static Executor tasks() {
        int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
        ThreadPoolExecutor executor = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), runnable -> {
                    Thread thread = new Thread(runnable, "kv-tls-task");
                    thread.setDaemon(true);
                    return thread;
                });
        executor.allowCoreThreadTimeOut(true);
        return executor;
    }

    private final TlsChannel tls;
    private final SocketChannel socket;
    /** What the last read waits for before it can go on: 0 or {@link SelectionKey#OP_WRITE} (loop thread). */
    private int readNeeds;
    /** What the last write waits for: 0, {@link SelectionKey#OP_READ} or {@link SelectionKey#OP_WRITE} (loop thread). */
    private int writeNeeds;
    /** A delegated task runs: nothing touches the engine until it ends. */
    private volatile boolean taskRunning;
    /** The last read filled its buffer: decrypted bytes may wait inside (loop thread). */
    private boolean mayHaveBufferedInput;
    private volatile Runnable onTaskDone = () -> { };
    /** The first handshake has ended (set by tls-channel's session callback, on the loop or a task thread). */
    private volatile boolean handshakeDone;

    private TlsTransport(TlsChannel tls, SocketChannel socket) {
        this.tls = tls;
        this.socket = socket;
    }

    /** The server end of a TLS connection just accepted. */
    static TlsTransport server(SocketChannel socket, TlsEngines engines) {
        TlsTransport[] transport = new TlsTransport[1];
        transport[0] = new TlsTransport(ServerTlsChannel.newBuilder(socket, engines.context())
                .withEngineFactory(context -> engines.newEngine()).withRunTasks(false)
                .withSessionInitCallback(session -> transport[0].handshakeDone = true).build(), socket);
        return transport[0];
    }

    /** True once the first handshake has ended (the handshake timeout no longer applies). */
    boolean handshakeDone() {
        return handshakeDone;
    }

    /** The client end of a TLS connection to a server. */
    static TlsTransport client(SocketChannel socket, TlsEngines engines) {
        return new TlsTransport(ClientTlsChannel.newBuilder(socket, engines.newEngine()).withRunTasks(false).build(),
                socket);
    }

    /** Runs (on the connection's loop) when a delegated task has ended: the connection goes on. */
    void onTaskDone(Runnable hook) {
        this.onTaskDone = hook;
    }

    /**
     * Reads decrypted bytes, as many as there are (several records) up to {@code dst}'s room.
     *
     * @return the bytes read; 0 if none are ready (see {@link #adjust} for what it waits for); -1 at the end
     * @throws IOException if the peer sent what is not TLS (plain text to the TLS port), a bad
     *                     certificate, or the socket failed
     */
    @Override
    public int read(ByteBuffer dst) throws IOException {
        readNeeds = 0;
        mayHaveBufferedInput = false;
        if (taskRunning) {
            return 0;
        }
        int total = 0;
        try {
            while (dst.hasRemaining()) {
                int n = tls.read(dst);
                if (n < 0) {
                    return total > 0 ? total : -1;
                }
                total += n;
            }
            mayHaveBufferedInput = true;
        }
        catch (NeedsReadException e) {
            // all read: the socket has no more
        }
        catch (NeedsWriteException e) {
            readNeeds = SelectionKey.OP_WRITE; // a handshake message waits for room to be sent
        }
        catch (NeedsTaskException e) {
            run(e.getTask());
        }
        return total;
    }

    /**
     * Encrypts and sends what the socket takes of {@code src}.
     *
     * @return the bytes of {@code src} taken (some may still wait encrypted: {@link #flushed})
     */
    @Override
    public int write(ByteBuffer src) throws IOException {
        writeNeeds = 0;
        if (taskRunning) {
            return 0;
        }
        int before = src.position();
        try {
            tls.write(src);
        }
        catch (NeedsWriteException e) {
            writeNeeds = SelectionKey.OP_WRITE;
        }
        catch (NeedsReadException e) {
            writeNeeds = SelectionKey.OP_READ; // the handshake waits for the peer first
        }
        catch (NeedsTaskException e) {
            run(e.getTask());
        }
        return src.position() - before;
    }

    private static final ByteBuffer NOTHING = ByteBuffer.allocate(0);

    /** Sends what waits encrypted from earlier writes; true if nothing waits any more. */
    boolean flushed() throws IOException {
        if (writeNeeds == 0 && !taskRunning) {
            return true;
        }
        write(NOTHING.duplicate());
        return writeNeeds == 0 && !taskRunning;
    }

    /** What the connection must wait for, given what it wants ({@code ops}): the TLS layer's needs first. */
    int adjust(int ops) {
        if (taskRunning) {
            return 0; // the task's end resumes the connection
        }
        if (writeNeeds == SelectionKey.OP_READ) {
            ops = ops & ~SelectionKey.OP_WRITE | SelectionKey.OP_READ;
        }
        if (readNeeds == SelectionKey.OP_WRITE) {
            ops |= SelectionKey.OP_WRITE;
        }
        return ops;
    }

    /** The last write waits for the peer's bytes: once they come, writing is to be tried again. */
    boolean writeWaitsForRead() {
        return writeNeeds == SelectionKey.OP_READ;
    }

    /** The last read waits for room to send: once there is, reading is to be tried again. */
    boolean readWaitsForWrite() {
        return readNeeds == SelectionKey.OP_WRITE;
    }

    /** The last read filled its buffer: more may be decrypted already, which the selector does not see. */
    boolean mayHaveBufferedInput() {
        return mayHaveBufferedInput;
    }

    private void run(Runnable task) {
        taskRunning = true;
        TASKS.execute(() -> {
            try {
                task.run();
            }
            finally {
                taskRunning = false;
                onTaskDone.run();
            }
        });
    }

    /** Sends close_notify if the socket takes it now (never waits), before the FIN. */
    void shutdownOutput() {
        if (taskRunning) {
            return;
        }
        try {
            tls.shutdown();
        }
        catch (IOException | RuntimeException ignored) {
            // the FIN says the same, less politely
        }
    }

    /** The negotiated session (protocol, cipher, the client's certificate), or null before the handshake ends. */
    SSLSession session() {
        SSLSession session = tls.getSslEngine().getSession();
        return session == null || "NONE".equals(session.getProtocol()) ? null : session;
    }

    @Override
    public boolean isOpen() {
        return socket.isOpen();
    }

    /** Closes the socket at once; {@link #shutdownOutput} is the polite way. */
    @Override
    public void close() throws IOException {
        socket.close();
    }
}
