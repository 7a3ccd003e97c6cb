package kv.protocol.endpoint;

import java.time.Instant;

import kv.protocol.pubsub.Subscriptions;

/**
 * What every kv service knows about one client connection: its id and address, the RESP version
 * it chose with HELLO, its name, its last command, and whether it asked to be closed. Services
 * extend it with their own state (the server's tracking mode, the proxy's source marking).
 */
public class Client {

    private final long id;
    private final String address;
    private final Instant connectedAt;
    private volatile int protocol = 2;
    private volatile String name = "";
    private volatile boolean closeRequested;
    private volatile String lastCommand = "NULL";
    private volatile long lastCommandNanos = System.nanoTime();
    private volatile String localAddress = "?";
    private volatile Runnable disconnect = () -> { };
    /** The ACL user this connection runs as; {@code default} until AUTH says otherwise. */
    private volatile String user = "default";
    private volatile boolean authenticated;
    private volatile java.util.function.BooleanSupplier authRequired = () -> false;
    private final Subscriptions subscriptions = new Subscriptions(this::protocol);
    /** Where {@link #push} goes: the connection's queue of outgoing pushes (set by the connection). */
    private volatile kv.protocol.pubsub.PushTarget pushTarget = kv.protocol.pubsub.PushTarget.NONE;
    /** MONITOR was sent: every command the service runs is streamed to this client. */
    private volatile boolean monitoring;
    // CLIENT REPLY: read and written by the thread running the client's current command (one
    // at a time, handed over with the request), so plain fields; replyControl is false unless one is set.
    private boolean replyControl;
    private boolean replyOff;
    private boolean skipThis;
    private boolean skipNext;

    protected Client(long id, String address) {
        this.id = id;
        this.address = address;
        this.connectedAt = Instant.now();
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

    public boolean closeRequested() {
        return closeRequested;
    }

    /** The last command the client sent, as CLIENT LIST shows it ({@code NULL} before the first). */
    public String lastCommand() {
        return lastCommand;
    }

    public void lastCommand(String lastCommand) {
        this.lastCommand = lastCommand;
        this.lastCommandNanos = System.nanoTime();
    }

    /** Seconds since the last command (or since the connection opened), CLIENT LIST's {@code idle}. */
    public long idleSeconds() {
        return (System.nanoTime() - lastCommandNanos) / 1_000_000_000L;
    }

    /** The local address the client connected to, as {@code 127.0.0.1:7379}. */
    public String localAddress() {
        return localAddress;
    }

    public void localAddress(String localAddress) {
        this.localAddress = localAddress;
    }

    /** The ACL user the client runs its commands as (CLIENT LIST's {@code user}). */
    public String user() {
        return user;
    }

    /**
     * True once the client has authenticated, or from the start if the default user needed no
     * password when it connected (as Redis decides it at connect time).
     */
    public boolean authenticated() {
        return authenticated;
    }

    /** AUTH or HELLO AUTH succeeded: from now on the client runs as {@code user}. */
    public void authenticatedAs(String user) {
        this.user = user;
        this.authenticated = true;
    }

    /**
     * True while the client must still authenticate: the limits before authentication hold for
     * it (at most 10 arguments of 16 KB, Redis's answer to CVE-2021-32675).
     */
    public boolean mustAuthenticate() {
        return !authenticated && authRequired.getAsBoolean();
    }

    /** Set when the connection opens: whether it starts authenticated, and whether the service requires it. */
    void startAuthenticated(boolean authenticated, java.util.function.BooleanSupplier authRequired) {
        this.authenticated = authenticated;
        this.authRequired = authRequired;
    }

    /** Set by the connection that carries this client: how {@link #disconnect} closes it. */
    public void onDisconnect(Runnable disconnect) {
        this.disconnect = disconnect;
    }

    /** Closes the client's connection at once (CLIENT KILL), dropping replies not yet sent. */
    public void disconnect() {
        disconnect.run();
    }

    /** The client's pub/sub channels and patterns (empty unless it subscribed). */
    public Subscriptions subscriptions() {
        return subscriptions;
    }

    /**
     * True while the client is subscribed to a channel or pattern, so that Redis's pubsub class of
     * {@link OutputBufferLimit} bounds its output. A service keeping its own registry of
     * subscriptions (kv-proxy's hub) overrides this.
     */
    public boolean subscribed() {
        return subscriptions.active();
    }

    /** Set by the connection that carries this client: where {@link #push} queues its bytes. */
    public void pushTarget(kv.protocol.pubsub.PushTarget target) {
        this.pushTarget = target;
    }

    /**
     * Queues one encoded RESP value for this client from any thread, never waiting (a MONITOR
     * line); false if dropped (closed, or over the output buffer limit that bounds pushes).
     */
    public boolean push(byte[] encoded) {
        return pushTarget.offer(encoded);
    }

    /** True once the client sent MONITOR (CLIENT LIST flag {@code O}); until RESET or it closes. */
    public boolean monitoring() {
        return monitoring;
    }

    public void monitoring(boolean monitoring) {
        this.monitoring = monitoring;
    }

    /** The connection closes once the current reply is written (QUIT). */
    public void requestClose() {
        this.closeRequested = true;
    }

    /** {@code CLIENT REPLY ON}: replies are sent again, from this command's on. */
    public void repliesOn() {
        replyOff = false;
        skipThis = false;
        skipNext = false;
        replyControl = false;
    }

    /** {@code CLIENT REPLY OFF}: no reply is sent, this command's neither, until {@code CLIENT REPLY ON}. */
    public void repliesOff() {
        replyOff = true;
        replyControl = true;
    }

    /** {@code CLIENT REPLY SKIP}: this command's reply and the next one's are not sent. */
    public void skipNextReply() {
        skipThis = true;
        skipNext = !replyOff;
        replyControl = true;
    }

    /** True while CLIENT REPLY OFF or SKIP is in force, so that a service takes its one-by-one path. */
    public boolean controlsReplies() {
        return replyControl;
    }

    /**
     * Called once a command has run: true if its reply must not be sent (CLIENT REPLY OFF, or
     * SKIP for the command after it), as Redis decides it once per command.
     */
    public boolean withholdReply() {
        if (!replyControl) {
            return false;
        }
        boolean withheld = replyOff || skipThis;
        skipThis = skipNext;
        skipNext = false;
        replyControl = replyOff || skipThis;
        return withheld;
    }
}
