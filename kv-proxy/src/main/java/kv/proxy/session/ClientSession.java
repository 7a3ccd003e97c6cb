package kv.proxy.session;

import kv.protocol.endpoint.Client;
import kv.protocol.endpoint.ClientRegistry;

/**
 * What the proxy knows about one client connection: its id and address, the RESP version it
 * chose with HELLO, its name, its database (SELECT), and whether it asked to see where GET answers came from
 * ({@code CLIENT KVSOURCE ON}).
 */
public final class ClientSession extends Client {

    private volatile boolean wantsSource;
    private volatile int db;

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
}
