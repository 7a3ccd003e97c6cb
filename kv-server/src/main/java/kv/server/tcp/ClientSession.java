package kv.server.tcp;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import kv.protocol.resp.RespValue;
import kv.server.store.KeyValueStore;
import kv.server.tracking.TrackingMode;

/**
 * What the server knows about one connection: its id and address, the RESP version it chose
 * with HELLO, its name, whether it asked to be closed.
 */
public final class ClientSession {

    private final long id;
    private final String address;
    private final Instant connectedAt;
    private volatile int protocol = 2;
    private volatile String name = "";
    private volatile String lastCommand = "NULL";
    private volatile boolean closeRequested;
    private volatile TrackingMode tracking;
    private final List<KeyValueStore.Entry> stagedWrites = new ArrayList<>();
    private long stagedBytes;
    private volatile Consumer<RespValue> pushSink = value -> { };
    private volatile Runnable abort = () -> { };

    public ClientSession(long id, String address, Instant connectedAt) {
        this.id = id;
        this.address = address;
        this.connectedAt = connectedAt;
    }

    public long id() {
        return id;
    }

    /** Remote address as {@code 127.0.0.1:53842}. */
    public String address() {
        return address;
    }

    public Instant connectedAt() {
        return connectedAt;
    }

    public int protocol() {
        return protocol;
    }

    public void protocol(int protocol) {
        this.protocol = protocol;
    }

    public String name() {
        return name;
    }

    public void name(String name) {
        this.name = name;
    }

    public String lastCommand() {
        return lastCommand;
    }

    public void lastCommand(String lastCommand) {
        this.lastCommand = lastCommand;
    }

    public boolean closeRequested() {
        return closeRequested;
    }

    /** The connection closes once the current reply is written (QUIT). */
    public void requestClose() {
        this.closeRequested = true;
    }

    /** How this connection tracks keys for invalidation, or null. */
    public TrackingMode tracking() {
        return tracking;
    }

    public void tracking(TrackingMode tracking) {
        this.tracking = tracking;
    }

    /** Sends an out-of-band RESP3 push (an invalidation) to this client, from any thread. */
    public void push(RespValue value) {
        pushSink.accept(value);
    }

    void pushSink(Consumer<RespValue> sink) {
        this.pushSink = sink;
    }

    /** Closes the connection at once, dropping replies not yet sent (staged writes failed). */
    public void abort() {
        abort.run();
    }

    void abortWith(Runnable abort) {
        this.abort = abort;
    }

    /** Writes staged by this connection's pipeline, not yet applied (see WriteBatcher); reader thread only. */
    public List<KeyValueStore.Entry> stagedWrites() {
        return stagedWrites;
    }

    /** Adds the size of {@code entries} to the staged bytes and returns the total; null resets it. */
    public long addStagedBytes(List<KeyValueStore.Entry> entries) {
        if (entries == null) {
            stagedBytes = 0;
            return 0;
        }
        for (KeyValueStore.Entry entry : entries) {
            stagedBytes += entry.key().length + entry.value().length;
        }
        return stagedBytes;
    }
}
