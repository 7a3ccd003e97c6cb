package kv.protocol.endpoint;

import java.util.Collection;
import java.util.Collections;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;

/**
 * The connected clients of a service: ids, counts, and the list CLIENT LIST and INFO show; for
 * max-clients and the metrics.
 */
public class ClientRegistry<C extends Client> {

    private final ConcurrentHashMap<Long, C> connected = new ConcurrentHashMap<>();
    private final AtomicLong nextId = new AtomicLong();
    private final AtomicLong totalConnections = new AtomicLong();
    private final AtomicLong rejectedConnections = new AtomicLong();
    private final BiFunction<Long, String, C> factory;
    private volatile java.util.function.BooleanSupplier authRequired = () -> false;
    /** Redis's {@code maxclients}: set at start, changed by CONFIG SET. */
    private volatile int maxClients = Integer.MAX_VALUE;

    /** @param factory makes a client from its id and address */
    public ClientRegistry(BiFunction<Long, String, C> factory) {
        this.factory = factory;
    }

    public C open(String address) {
        C client = factory.apply(nextId.incrementAndGet(), address);
        client.startAuthenticated(!authRequired.getAsBoolean(), authRequired);
        connected.put(client.id(), client);
        totalConnections.incrementAndGet();
        return client;
    }

    /** Whether the service requires a password now (see {@link AccessControl}): new clients start unauthenticated then. */
    void authRequired(java.util.function.BooleanSupplier rule) {
        this.authRequired = rule;
    }

    public void close(C client) {
        connected.remove(client.id());
    }

    /** Connections beyond this many are refused ({@code maxclients}). */
    public int maxClients() {
        return maxClients;
    }

    public void maxClients(int maxClients) {
        this.maxClients = maxClients;
    }

    /** True if a new connection must be refused: {@link #maxClients} are connected. */
    public boolean full() {
        return connected.size() >= maxClients;
    }

    public void rejected() {
        rejectedConnections.incrementAndGet();
    }

    public int connected() {
        return connected.size();
    }

    public long totalConnections() {
        return totalConnections.get();
    }

    public long rejectedConnections() {
        return rejectedConnections.get();
    }

    /** The connected client with this id, or null. */
    public C find(long id) {
        return connected.get(id);
    }

    public Collection<C> all() {
        return Collections.unmodifiableCollection(connected.values());
    }
}
