package kv.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import kv.server.testing.KvServerProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.params.SetParams;

/** Separate server processes, killed and restarted: what was acknowledged is still there. */
class DurabilityTest {

    @TempDir
    Path workDir;

    @ParameterizedTest(name = "fsync {0}")
    @ValueSource(strings = {"always", "everysec", "no"})
    void everyAcknowledgedWriteSurvivesKillNine(String fsync) throws Exception {
        int writes = 2000;
        try (KvServerProcess server = KvServerProcess.start(workDir, "--kv.server.fsync=" + fsync)) {
            try (Jedis jedis = new Jedis("127.0.0.1", server.port(), 10_000)) {
                for (int i = 0; i < writes; i++) {
                    assertThat(jedis.set("key:" + i, "value:" + i)).isEqualTo("OK");
                }
            }
            server.kill();
            server.start();
            try (Jedis jedis = new Jedis("127.0.0.1", server.port(), 10_000)) {
                assertThat(jedis.dbSize()).isEqualTo(writes);
                for (int i = 0; i < writes; i++) {
                    assertThat(jedis.get("key:" + i)).isEqualTo("value:" + i);
                }
            }
        }
    }

    @Test
    void pipelinedWritesAcknowledgedInBatchesSurviveKillNine() throws Exception {
        int writes = 5000;
        try (KvServerProcess server = KvServerProcess.start(workDir)) {
            try (Jedis jedis = new Jedis("127.0.0.1", server.port(), 10_000)) {
                Pipeline pipeline = jedis.pipelined();
                List<Response<String>> acks = new ArrayList<>();
                for (int i = 0; i < writes; i++) {
                    acks.add(pipeline.set("key:" + i, "value:" + i));
                    if (i % 100 == 99) {
                        acks.add(pipeline.mset("mset-a:" + i, "x", "mset-b:" + i, "y"));
                    }
                }
                pipeline.sync();
                assertThat(acks).allSatisfy(ack -> assertThat(ack.get()).isEqualTo("OK"));
            }
            server.kill();
            server.start();
            try (Jedis jedis = new Jedis("127.0.0.1", server.port(), 10_000)) {
                assertThat(jedis.dbSize()).isEqualTo(writes + 2 * (writes / 100));
                for (int i = 0; i < writes; i++) {
                    assertThat(jedis.get("key:" + i)).isEqualTo("value:" + i);
                }
            }
        }
    }

    /**
     * Expiry times are absolute and written with the value: after kill -9, and after a graceful
     * restart, every key has the very same expiry time, in every database; one that comes due
     * after the restart is deleted by the active cycle of the new process.
     */
    @Test
    void keysWithATtlSurviveKillNineAndRestartWithTheirExpiryIntact() throws Exception {
        int writes = 1000;
        long farAway = System.currentTimeMillis() + 3_600_000;
        long soon = System.currentTimeMillis() + 3_000;
        try (KvServerProcess server = KvServerProcess.start(workDir)) {
            try (Jedis jedis = new Jedis("127.0.0.1", server.port(), 10_000)) {
                Pipeline pipeline = jedis.pipelined();
                for (int i = 0; i < writes; i++) {
                    pipeline.set("ttl:" + i, "v", SetParams.setParams().pxAt(farAway + i));
                }
                pipeline.setex("setex", 3600, "v");
                pipeline.set("forever", "v");
                pipeline.sync();
                jedis.set("persisted", "v", SetParams.setParams().ex(100));
                jedis.persist("persisted");
                jedis.select(5);
                jedis.set("db5", "v", SetParams.setParams().pxAt(farAway));
                jedis.set("soon", "v", SetParams.setParams().pxAt(soon));
            }
            server.kill();
            server.start();
            try (Jedis jedis = new Jedis("127.0.0.1", server.port(), 10_000)) {
                for (int i = 0; i < writes; i++) {
                    assertThat(jedis.pexpireTime("ttl:" + i)).isEqualTo(farAway + i);
                }
                assertThat(jedis.ttl("setex")).isBetween(3000L, 3600L);
                assertThat(jedis.ttl("forever")).isEqualTo(-1);
                assertThat(jedis.ttl("persisted")).isEqualTo(-1);
                jedis.select(5);
                assertThat(jedis.pexpireTime("db5")).isEqualTo(farAway);
                long deadline = System.nanoTime() + 30_000_000_000L;
                while (jedis.dbSize() > 1 && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                assertThat(jedis.dbSize()).as("the key due after the restart was deleted").isEqualTo(1);
            }
            server.stop();
            server.start();
            try (Jedis jedis = new Jedis("127.0.0.1", server.port(), 10_000)) {
                assertThat(jedis.pexpireTime("ttl:7")).isEqualTo(farAway + 7);
                jedis.select(5);
                assertThat(jedis.pexpireTime("db5")).isEqualTo(farAway);
                assertThat(jedis.exists("soon")).isFalse();
            }
        }
    }

    @Test
    void swappedDatabasesStaySwappedAfterKillNine() throws Exception {
        try (KvServerProcess server = KvServerProcess.start(workDir)) {
            try (Jedis jedis = new Jedis("127.0.0.1", server.port(), 10_000)) {
                jedis.set("k", "zero");
                jedis.select(1);
                jedis.set("k", "one", SetParams.setParams().ex(1000));
                assertThat(jedis.swapDB(0, 1)).isEqualTo("OK");
            }
            server.kill();
            server.start();
            try (Jedis jedis = new Jedis("127.0.0.1", server.port(), 10_000)) {
                assertThat(jedis.get("k")).isEqualTo("one");
                assertThat(jedis.ttl("k")).isPositive();
                jedis.select(1);
                assertThat(jedis.get("k")).isEqualTo("zero");
                assertThat(jedis.dbSize()).isEqualTo(1);
            }
        }
    }

    @Test
    void aGracefulRestartKeepsTheDataAndClosesTheStoreCleanly() throws Exception {
        try (KvServerProcess server = KvServerProcess.start(workDir)) {
            try (Jedis jedis = new Jedis("127.0.0.1", server.port(), 10_000)) {
                jedis.set("Fname", "Sayali");
            }
            server.stop();
            try (Stream<Path> logs = Files.list(workDir)) {
                Path log = logs.filter(p -> p.getFileName().toString().endsWith(".log")).findFirst().orElseThrow();
                assertThat(Files.readString(log)).contains("Shutting down: no new connections")
                        .contains("RocksDB closed cleanly");
            }
            server.start();
            try (Jedis jedis = new Jedis("127.0.0.1", server.port(), 10_000)) {
                assertThat(jedis.get("Fname")).isEqualTo("Sayali");
            }
        }
    }
}
