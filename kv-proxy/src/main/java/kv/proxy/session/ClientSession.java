package kv.proxy.session;

import kv.protocol.endpoint.Client;
import kv.protocol.endpoint.ClientRegistry;
import kv.protocol.resp.RespValue;

/**
 * What the proxy knows about one client connection: its id and address, the RESP version it
 * chose with HELLO, its name, its database (SELECT), and whether it asked to see where GET answers came from
 * ({@code CLIENT KVSOURCE ON}).
 */
public final class ClientSession extends Client {

    private volatile boolean wantsSource;
    private volatile int db;
    /** True while the client holds a backend connection of its own (WATCH, MULTI): see TransactionCommands. */
    private volatile boolean pinned;
    /** Channels and patterns the client is subscribed to through the proxy (RESP2: subscriber mode while > 0). */
    private volatile int subscriptions;
    private volatile java.util.function.BiConsumer<RespValue, Integer> pusher = (value, protocol) -> { };
    private final java.util.List<Runnable> closeHooks = new java.util.concurrent.CopyOnWriteArrayList<>();

    ClientSession(long id, String address) {
        super(id, address);
    }

    /** The registry of the proxy's clients, each with a session of this kind. */
    public static ClientRegistry<ClientSession> registry() {
        return new ClientRegistry<>(ClientSession::new);
    }

    /** True if GET replies carry a {@code source} attribute (RESP3 only; RESP2 cannot carry one). */
    public boolean wantsSource() {
        return wantsSource && protocol() == 3;
    }

    public void wantsSource(boolean wantsSource) {
        this.wantsSource = wantsSource;
    }

    /** The database this client has SELECTed: its requests run there on every backend. */
    public int db() {
        return db;
    }

    public void db(int db) {
        this.db = db;
    }

    /** True while the client's requests go to its own pinned backend connection (a WATCH or MULTI is open). */
    public boolean pinned() {
        return pinned;
    }

    public void pinned(boolean pinned) {
        this.pinned = pinned;
    }

    /** Channels plus patterns subscribed; a RESP2 client with any is in subscriber mode, as in Redis. */
    public int subscribedCount() {
        return subscriptions;
    }

    public void subscribedCount(int subscriptions) {
        this.subscriptions = subscriptions;
    }

    /** True with any subscription: the pub/sub output buffer limit ({@code kv.proxy.limits.client-output-buffer-pubsub}) applies. */
    @Override
    public boolean subscribed() {
        return subscriptions > 0;
    }

    /** RESP2 with a subscription: only the subscription commands, PING, QUIT and RESET run, as in Redis. */
    public boolean subscriberMode() {
        return subscriptions > 0 && protocol() == 2;
    }

    /** Set by the connection: how {@link #push} writes. */
    public void onPush(java.util.function.BiConsumer<RespValue, Integer> pusher) {
        this.pusher = pusher;
    }

    /**
     * Sends {@code value} to the client outside the request/reply flow (a pub/sub message), from
     * any thread, after every reply already handed to the connection (answered or not yet).
     */
    public void push(RespValue value) {
        pusher.accept(value, protocol());
    }

    /** Runs {@code hook} when the client's connection closes (a transaction's pinned connection is dropped, subscriptions removed). */
    public void whenClosed(Runnable hook) {
        closeHooks.add(hook);
    }

    /** Called once by the connection when it closes. */
    public void closed() {
        for (Runnable hook : closeHooks) {
            try {
                hook.run();
            }
            catch (RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(ClientSession.class).warn("Cleaning up client " + address() + " failed", e);
            }
        }
        closeHooks.clear();
    }
}
