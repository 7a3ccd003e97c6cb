package kv.proxy.backend;

import java.io.IOException;
import java.net.Socket;

import kv.proxy.config.BackendAddress;
import org.springframework.integration.ip.tcp.connection.CachingClientConnectionFactory;

/**
 * One server of a backend group: where it listens, how the proxy opens connections to it, its
 * pooled outbound gateway, and what the group last said about it (for health and INFO). The
 * {@link Backend} sends to whichever member is the group's leader.
 */
public final class GroupMember {

    private final BackendAddress address;
    private final String name;
    private final BackendSockets sockets;
    final BackendGateway gateway;
    final CachingClientConnectionFactory pool;
    private volatile boolean reachable = true;
    private volatile String role = "unknown";
    private volatile long appliedIndex = -1;
    private volatile long lag = -1;

    GroupMember(BackendAddress address, BackendSockets sockets, BackendGateway gateway,
                CachingClientConnectionFactory pool) {
        this.address = address;
        this.name = address.toString();
        this.sockets = sockets;
        this.gateway = gateway;
        this.pool = pool;
    }

    public BackendAddress address() {
        return address;
    }

    /** {@code host:port}. */
    public String name() {
        return name;
    }

    Socket openSocket(int connectTimeoutMillis, int readTimeoutMillis) throws IOException {
        return sockets.open(connectTimeoutMillis, readTimeoutMillis);
    }

    /** True if it answered ROLE the last time the proxy asked it (every heartbeat, and in each search for the leader). */
    public boolean reachable() {
        return reachable;
    }

    /** {@code leader}, {@code follower} or {@code unknown}, as it last answered ROLE (or its leader reported it). */
    public String role() {
        return role;
    }

    /** Its applied index (replication offset on Redis) as last reported; -1 if unknown. */
    public long appliedIndex() {
        return appliedIndex;
    }

    /** How far a follower is behind the leader's applied index, as the leader last reported; -1 if unknown, 0 for the leader. */
    public long lag() {
        return lag;
    }

    void answered(RoleReply reply) {
        reachable = true;
        role = reply.leader() ? "leader" : "follower";
        appliedIndex = reply.appliedIndex();
        if (reply.leader()) {
            lag = 0;
        }
    }

    /** The leader's view of this follower (its match index); whether it answers is what its own ROLE said. */
    void followsAt(long index, long leaderIndex) {
        role = "follower";
        appliedIndex = index;
        lag = index < 0 || leaderIndex < 0 ? -1 : Math.max(0, leaderIndex - index);
    }

    /** The leader does not list it among its followers: its lag is unknown. */
    void notFollowing() {
        lag = -1;
    }

    void unreachable() {
        reachable = false;
        lag = -1;
    }

    void close() {
        gateway.stop();
        pool.stop();
    }

    @Override
    public String toString() {
        return name;
    }
}
