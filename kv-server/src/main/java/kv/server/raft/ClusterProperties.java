package kv.server.raft;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Cluster mode's settings, under {@code kv.server.raft} (environment: {@code KV_SERVER_RAFT_ID},
 * {@code KV_SERVER_RAFT_PEERS}, ...). Without {@code id} the server runs alone, as always, and
 * no Ratis class starts. See docs/cluster.md.
 *
 * @param id this node's id in the group (one of the peers' ids)
 * @param peers the group, {@code n1@127.0.0.1:9001,n2@127.0.0.1:9002,n3@127.0.0.1:9003}: each
 *              member's id and Raft (gRPC) address
 * @param read how reads are served: {@code linearizable} (ReadIndex), {@code lease} (the leader
 *             answers on its lease), {@code stale} (any node answers from what it has applied)
 * @param advertiseHost the host other members and clients reach this node's RESP port at (ROLE,
 *                      INFO replication); unset, {@code kv.server.bind}, or 127.0.0.1 if that is 0.0.0.0
 * @param electionTimeoutMin Raft's election timeout, lower bound (Ratis's default 150 ms)
 * @param electionTimeoutMax upper bound (Ratis's default 300 ms)
 * @param snapshotThreshold log entries after which a snapshot (a RocksDB checkpoint) is taken and
 *                          the log before it purged
 * @param segmentSize size of one Raft log segment file (only closed segments are purged)
 * @param writeTimeout how long a write waits for its entry to be committed and applied
 * @param join this node is new and is being added to a running group (RAFT ADDNODE): its first
 *             start gives Ratis no configuration, so it never campaigns and waits for the
 *             leader to catch it up (a node that campaigned with a configuration naming itself
 *             was told by the members that it is not in theirs, and Ratis closed it)
 */
@ConfigurationProperties("kv.server.raft")
public record ClusterProperties(
        String id,
        String peers,
        @DefaultValue("linearizable") ReadMode read,
        String advertiseHost,
        @DefaultValue("150ms") Duration electionTimeoutMin,
        @DefaultValue("300ms") Duration electionTimeoutMax,
        @DefaultValue("100000") long snapshotThreshold,
        @DefaultValue("8MB") DataSize segmentSize,
        @DefaultValue("10s") Duration writeTimeout,
        @DefaultValue("false") boolean join) {

    /** True when {@code id} is set: this server is one member of a replicated group. */
    public boolean enabled() {
        return id != null && !id.isBlank();
    }

    /** How a node answers reads in cluster mode. */
    public enum ReadMode {
        /** ReadIndex: the leader confirms it still leads (a heartbeat round) before answering. */
        LINEARIZABLE,
        /** The leader answers while its lease holds (no round trip; relies on bounded clock drift). */
        LEASE,
        /** Every node answers at once from what it has applied: may be behind the leader. */
        STALE
    }
}
