package kv.proxy.tcp;

import java.time.Instant;
import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.springframework.stereotype.Component;

/** The connected clients: for CLIENT LIST, INFO clients and the metrics. */
@Component
public class ClientRegistry {

    private final ConcurrentHashMap<Long, ClientSession> sessions = new ConcurrentHashMap<>();
    private final AtomicLong nextId = new AtomicLong();
    private final AtomicLong totalConnections = new AtomicLong();

    ClientSession open(String address) {
        ClientSession session = new ClientSession(nextId.incrementAndGet(), address, Instant.now());
        sessions.put(session.id(), session);
        totalConnections.incrementAndGet();
        return session;
    }

    void close(ClientSession session) {
        sessions.remove(session.id());
    }

    public int connected() {
        return sessions.size();
    }

    public long totalConnections() {
        return totalConnections.get();
    }

    public Collection<ClientSession> sessions() {
        return sessions.values();
    }
}
