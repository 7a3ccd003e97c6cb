package kv.proxy.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import kv.proxy.linearizability.JepsenRun;
import kv.proxy.testing.KvServerGroup;
import kv.proxy.testing.ProxyRunner;
import org.junit.jupiter.api.Test;

/**
 * The Jepsen-style test (issue 17): a three-node kv-server group in cluster mode, kv-proxy in
 * front, clients through the proxy and straight to the members, and a nemesis that kills -9 the
 * leader, kills a follower and pauses a member; then the history must be linearizable and every
 * acknowledged write on every member. Short here ({@code kv.jepsen.seconds}, default 30); the long
 * version with at least 20 leader kills is {@code bench/jepsen.sh}, which sets
 * {@code kv.jepsen.seconds}, {@code kv.jepsen.leader-kills} and {@code kv.jepsen.report} (a file
 * the summary is appended to).
 *
 * <p>Runs only where kv-server has cluster mode ({@code kv.server.raft}); elsewhere it is skipped,
 * saying so. In {@code mvn verify} since 2 December (it passed twice at load 15-23, 120-171 s
 * there, at least one leader kill each); {@code RaftClusterTest} is still left out by its tag.
 */
class GroupUnderANemesisTest {

    @Test
    void theHistoryIsLinearizableAndEveryAcknowledgedWriteIsOnEveryMember() throws Exception {
        long seconds = Long.getLong("kv.jepsen.seconds", 30);
        int leaderKills = Integer.getInteger("kv.jepsen.leader-kills", 0);
        long seed = Long.getLong("kv.jepsen.seed", System.nanoTime());
        try (KvServerGroup group = startGroupIfClusterModeIsHere()) {
            try (ProxyRunner proxy = ProxyRunner.start(List.of(), "kv.proxy.backends=" + group.backendsSetting(),
                    "kv.proxy.timeouts.reply=3s", "kv.proxy.timeouts.failover=5s")) {
                JepsenRun.Report report = new JepsenRun(group, proxy.port(),
                        new JepsenRun.Settings(seconds * 1000, 4, 3, 3, leaderKills, seed)).run();
                String summary = "seed=" + seed + " " + report.summary();
                System.out.println("JEPSEN " + summary);
                String file = System.getProperty("kv.jepsen.report");
                if (file != null) {
                    Files.writeString(Path.of(file), summary + System.lineSeparator(),
                            java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
                }
                assertThat(report.leaderKills()).as("leader kills").isGreaterThanOrEqualTo(Math.max(1, leaderKills));
                assertThat(report.ok()).as("acknowledged operations").isGreaterThan(100);
                assertThat(report.missing()).as("acknowledged writes missing on a member").isEmpty();
                assertThat(report.check().linearizable()).as(summary).isTrue();
            }
        }
    }

    private KvServerGroup startGroupIfClusterModeIsHere() throws Exception {
        try {
            Class.forName("kv.server.raft.ClusterProperties");
        }
        catch (ClassNotFoundException e) {
            assumeTrue(false, "kv-server has no cluster mode in this build (no kv.server.raft)");
        }
        // Under target/, not a @TempDir: a failed run's node logs must outlive the test to be read.
        Path dir = Files.createDirectories(Path.of("target", "group-under-a-nemesis", Long.toString(System.currentTimeMillis())));
        return KvServerGroup.start(dir, 3);
    }
}
