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
