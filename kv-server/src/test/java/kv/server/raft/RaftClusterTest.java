package kv.server.raft;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

import kv.server.testing.ClusterProcess;
import kv.server.testing.KvServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.exceptions.JedisDataException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A three-node group of real kv-servers in cluster mode (one group for the class): election,
 * replication, READONLY on followers, ROLE and INFO replication, a leader killed with -9, a
 * follower restarted, a follower caught up by snapshot. Small snapshot threshold and log
 * segments, so that the log is purged and a follower that was down needs the snapshot.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Tag("cluster") // left out of mvn verify until it passes reliably: see the root pom and docs/cluster.md
class RaftClusterTest {

    /** Under target/, not a temporary directory: the members' logs outlive a failure. */
    static final Path work = Path.of("target", "raft-cluster-test");
    static ClusterProcess group;

    @BeforeAll
    static void startGroup() throws Exception {
        org.springframework.util.FileSystemUtils.deleteRecursively(work);
        group = ClusterProcess.start(work, 3, "--kv.server.raft.snapshot-threshold=200",
                "--kv.server.raft.segment-size=64KB");
        for (int i = 0; i < group.size(); i++) {
            System.out.println("RaftClusterTest: n" + (i + 1) + "'s log (Ratis at INFO): " + group.node(i).log().toAbsolutePath());
        }
    }

    @AfterAll
    static void stopGroup() throws Exception {
        if (group != null) {
            group.close();
        }
    }

    /** Longer than the write timeout (10 s), which bounds a write, a read barrier and a RAFT command. */
    private static Jedis client(int node) {
        return new Jedis("127.0.0.1", group.node(node).port(), 15_000);
    }

    private static int leader() throws InterruptedException {
        return group.awaitLeader(Duration.ofSeconds(30));
    }

    private static int follower(int leader) {
        for (int i = 0; i < group.size(); i++) {
            if (i != leader && group.node(i).isAlive()) {
                return i;
            }
        }
        throw new IllegalStateException("no follower alive");
    }

    /**
     * Runs {@code writes} against the leader, again from the start against whoever leads if it
     * fails (a leader change under load: nothing unacknowledged counts, and the writes are
     * idempotent SETs).
     */
    private static void onLeader(java.util.function.Consumer<Jedis> writes) throws InterruptedException {
        RuntimeException last = null;
        for (int attempt = 0; attempt < 10; attempt++) {
            try (Jedis jedis = client(leader())) {
                writes.accept(jedis);
                return;
            }
            catch (RuntimeException e) {
                last = e;
                Thread.sleep(200);
            }
        }
        throw last;
    }

    /** Waits (bounded) until {@code condition} holds. */
    private static void await(Supplier<Boolean> condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (condition.get()) {
                    return;
                }
            }
            catch (RuntimeException e) {
                // not yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError("timed out waiting for " + what);
    }

    @Test
    @Order(1)
    void aLeaderIsElectedAndItsRoleListsBothFollowers() throws Exception {
        int leader = leader();
        await(() -> {
            try (Jedis jedis = client(leader)) {
                List<?> role = (List<?>) jedis.sendCommand(() -> "ROLE".getBytes());
                return ((List<?>) role.get(2)).size() == 2;
            }
        }, "both followers in the leader's ROLE");
        try (Jedis jedis = client(leader)) {
            List<?> role = (List<?>) jedis.sendCommand(() -> "ROLE".getBytes());
            assertThat(new String((byte[]) role.get(0))).isEqualTo("master");
            assertThat(role.get(1)).isInstanceOf(Long.class);
            List<?> first = (List<?>) ((List<?>) role.get(2)).get(0);
            assertThat(new String((byte[]) first.get(0))).isEqualTo("127.0.0.1");
            int port = Integer.parseInt(new String((byte[]) first.get(1)));
            assertThat(port).isIn(group.node(0).port(), group.node(1).port(), group.node(2).port());
            assertThat(jedis.info("replication")).contains("role:master", "connected_slaves:2", "raft_term:",
                    "raft_commit_index:", "raft_applied_index:", "raft_leader_id:n" + (leader + 1));
        }
        int follower = follower(leader);
        await(() -> {
            try (Jedis jedis = client(follower)) {
                List<?> role = (List<?>) jedis.sendCommand(() -> "ROLE".getBytes());
                return new String((byte[]) role.get(3)).equals("connected");
            }
        }, "the follower's ROLE to show its leader");
        try (Jedis jedis = client(follower)) {
            List<?> role = (List<?>) jedis.sendCommand(() -> "ROLE".getBytes());
            assertThat(new String((byte[]) role.get(0))).isEqualTo("slave");
            assertThat(new String((byte[]) role.get(1))).isEqualTo("127.0.0.1");
            assertThat(role.get(2)).isEqualTo((long) group.node(leader).port());
            assertThat(jedis.info("replication")).contains("role:slave", "master_link_status:up",
                    "master_port:" + group.node(leader).port());
        }
    }

    @Test
    @Order(2)
    void aSetOnTheLeaderIsReadOnEveryNode() throws Exception {
        onLeader(jedis -> {
            assertThat(jedis.set("greeting", "hello")).isEqualTo("OK");
            assertThat(jedis.set("counter", "1")).isEqualTo("OK");
        });
        for (int i = 0; i < group.size(); i++) {
            try (Jedis jedis = client(i)) {
                assertThat(jedis.get("greeting")).as("node " + i).isEqualTo("hello"); // linearizable: no waiting
                assertThat(jedis.get("counter")).isEqualTo("1");
                assertThat(jedis.dbSize()).isEqualTo(2);
            }
        }
    }

    @Test
    @Order(3)
    void aFollowerAnswersWritesWithRedisReadonlyError() throws Exception {
        int follower = follower(leader());
        try (Jedis jedis = client(follower)) {
            assertThatThrownBy(() -> jedis.set("k", "v")).isInstanceOf(JedisDataException.class)
                    .hasMessage("READONLY You can't write against a read only replica.");
            Transaction multi = jedis.multi();
            multi.set("k", "v");
            assertThatThrownBy(multi::exec).hasMessageContaining("EXECABORT");
            assertThatThrownBy(() -> jedis.eval("return redis.call('set', 'k', 'v')"))
                    .hasMessageContaining("READONLY You can't write against a read only replica.");
            assertThat(jedis.get("k")).isNull();
        }
    }

    @Test
    @Order(4)
    void aFollowerRestartedAppliesEachEntryOnce() throws Exception {
        onLeader(jedis -> {
            for (int i = 0; i < 20; i++) {
                jedis.set("restarted", Integer.toString(i + 1));
            }
        });
        int leader = leader();
        int follower = follower(leader);
        group.kill(follower);
        group.restart(follower);
        await(() -> {
            try (Jedis jedis = client(follower)) {
                return "20".equals(jedis.get("restarted"));
            }
        }, "the restarted follower to read 20");
        try (Jedis jedis = client(follower); Jedis lead = client(leader())) {
            assertThat(jedis.dbSize()).isEqualTo(lead.dbSize());
            assertThat(lead.incr("restarted")).isEqualTo(21); // each entry applied once, also on the leader
        }
    }

    @Test
    @Order(5)
    void aFollowerDownWhileKeysAreWrittenCatchesUpBySnapshot() throws Exception {
        int leader = leader();
        int follower = follower(leader);
        group.kill(follower);
        String value = "v".repeat(1000);
        onLeader(jedis -> {
            for (int i = 0; i < 600; i++) {
                jedis.set("bulk:" + i, value + i);
            }
        });
        group.restart(follower);
        long expected;
        try (Jedis lead = client(leader())) {
            expected = lead.dbSize();
        }
        await(() -> {
            try (Jedis jedis = client(follower)) {
                return jedis.dbSize() == expected;
            }
        }, "the follower to hold every key");
        try (Jedis jedis = client(follower)) {
            assertThat(jedis.get("bulk:599")).isEqualTo(value + 599);
            assertThat(jedis.get("restarted")).isEqualTo("21");
        }
        String log = Files.readString(group.node(follower).log());
        // more than one chunk: Ratis pauses the state machine for each (a second pause threw once)
        assertThat(log).contains("Installed snapshot").doesNotContain("ILLEGAL TRANSITION");
    }

    @Test
    @Order(6)
    void killingTheLeaderElectsAnotherAndLosesNothingAcknowledged() throws Exception {
        onLeader(jedis -> {
            for (int i = 0; i < 50; i++) {
                jedis.set("acked:" + i, Integer.toString(i));
            }
        });
        int leader = leader();
        long killed = System.nanoTime();
        group.kill(leader);
        int next = -1;
        long written = 0;
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (next < 0 && System.nanoTime() < deadline) {
            for (int i = 0; i < group.size() && next < 0; i++) {
                if (i == leader) {
                    continue;
                }
                try (Jedis jedis = client(i)) {
                    jedis.set("after-failover", "yes");
                    next = i;
                    written = System.nanoTime();
                }
                catch (RuntimeException e) {
                    // not the leader yet
                }
            }
            Thread.sleep(20);
        }
        assertThat(next).as("a new leader took a write").isGreaterThanOrEqualTo(0);
        System.out.printf("failover: kill -9 of the leader to the first successful write: %d ms%n",
                (written - killed) / 1_000_000);
        try (Jedis jedis = client(next)) {
            for (int i = 0; i < 50; i++) {
                assertThat(jedis.get("acked:" + i)).isEqualTo(Integer.toString(i));
            }
        }
        group.restart(leader);
        int former = leader;
        await(() -> {
            try (Jedis jedis = client(former)) {
                return "yes".equals(jedis.get("after-failover"));
            }
        }, "the former leader to follow the new one");
    }

    @Test
    @Order(7)
    void transferLeaderMakesTheNamedFollowerTheLeader() throws Exception {
        int leader = leader();
        int follower = follower(leader);
        try (Jedis jedis = client(leader)) {
            assertThat(jedis.sendCommand(() -> "RAFT".getBytes(), "TRANSFERLEADER", "n" + (follower + 1)))
                    .isEqualTo("OK".getBytes());
        }
        await(() -> "master".equals(group.role(follower)), "n" + (follower + 1) + " to lead");
        onLeader(jedis -> jedis.set("after-transfer", "yes"));
        try (Jedis jedis = client(follower)) {
            assertThat(jedis.get("after-transfer")).isEqualTo("yes");
        }
    }

    @Test
    @Order(8)
    void aNodeAddedToTheRunningGroupCatchesUpAndServesLinearizableReads() throws Exception {
        String raftAddress = "127.0.0.1:" + KvServerProcess.freePort();
        try (KvServerProcess added = KvServerProcess.start(work.resolve("n4"), "--kv.server.raft.id=n4",
                "--kv.server.raft.peers=" + group.peers() + ",n4@" + raftAddress, "--kv.server.raft.join=true",
                "--logging.level.org.apache.ratis.server.impl=info",
                "--kv.server.raft.election-timeout-min=500ms", "--kv.server.raft.election-timeout-max=1000ms")) {
            try (Jedis jedis = client(leader())) {
                assertThat(jedis.sendCommand(() -> "RAFT".getBytes(), "ADDNODE", "n4", raftAddress))
                        .isEqualTo("OK".getBytes());
                assertThat(jedis.info("replication")).contains("n4@" + raftAddress);
            }
            onLeader(jedis -> jedis.set("after-add", "yes"));
            try (Jedis jedis = new Jedis("127.0.0.1", added.port(), 10_000)) {
                await(() -> "yes".equals(jedis.get("after-add")), "the added node to read the latest write");
                assertThat(jedis.get("bulk:599")).isEqualTo("v".repeat(1000) + 599); // from before it joined
            }
            try (Jedis jedis = client(leader())) {
                assertThat(jedis.sendCommand(() -> "RAFT".getBytes(), "REMOVENODE", "n4")).isEqualTo("OK".getBytes());
            }
        }
    }
}
