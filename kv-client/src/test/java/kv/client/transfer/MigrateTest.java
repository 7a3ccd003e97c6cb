package kv.client.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import kv.client.KvServers;
import kv.server.testing.KvServerProcess;
import kv.server.testing.RedisServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * {@code kv migrate --from redis://...} from Debian's redis-server into kv-server, as a real
 * client JVM: strings and hashes with expiry times all arrive, byte for byte; a migration killed
 * half way ({@code kill -9} of the client) and run again resumes from its checkpoint and ends
 * with exactly Redis's keyspace, no key lost, none extra.
 */
class MigrateTest {

    @TempDir
    static Path workDir;

    static RedisServerProcess redis;
    static KvServerProcess kv;
    static Map<String, String> original;

    @BeforeAll
    static void start() throws Exception {
        redis = RedisServerProcess.start();
        kv = KvServerProcess.start(workDir.resolve("kv"), KvServers.WITHOUT_THE_SHELL);
        try (Jedis jedis = new Jedis("127.0.0.1", redis.port(), 20_000)) {
            Keyspaces.load(jedis, 6000, 7);
            jedis.rpush("a-list", "kv has no lists"); // left out, and said so
            original = Keyspaces.read(jedis);
            original.remove("0 a-list");
        }
    }

    @AfterAll
    static void stop() throws Exception {
        kv.close();
        redis.close();
    }

    @Test
    void aMigrationKilledHalfWayAndRunAgainEndsWithExactlyRedisKeyspace() throws Exception {
        try (Jedis jedis = new Jedis("127.0.0.1", kv.port(), 20_000)) {
            jedis.flushAll();
            String from = "redis://127.0.0.1:" + redis.port();
            Path checkpoint = workDir.resolve("half.checkpoint");
            // slowed to 1500 keys/s so that it is surely under way when killed
            Process first = ClientProcess.start(workDir, kv.port(), "migrate", "--from", from, "--checkpoint",
                    checkpoint.toString(), "--rate", "1500", "--count", "100");
            long saved = 0;
            for (int poll = 0; poll < 600 && saved < 2000; poll++) {
                Thread.sleep(50);
                saved = keysIn(checkpoint);
            }
            assertThat(saved).as("the first run saved its progress").isGreaterThanOrEqualTo(2000);
            first.destroyForcibly();
            ClientProcess.finish(first);
            long half = jedis.dbSize();
            assertThat(Keyspaces.read(jedis)).hasSizeLessThan(original.size());

            ClientProcess.Run second = ClientProcess.run(workDir, kv.port(), "migrate", "--from", from, "--checkpoint",
                    checkpoint.toString(), "--count", "100");
            assertThat(second.exitCode()).as(second.toString()).isZero();
            assertThat(second.err()).contains("resuming from " + checkpoint, "(", "in this run, resumed)",
                    "left out keys of types kv does not have: {list=1}");
            assertThat(Files.exists(checkpoint)).as("a complete migration removes its checkpoint").isFalse();
            assertThat(Keyspaces.read(jedis)).isEqualTo(original);
            assertThat(half).isGreaterThan(0);
        }
    }

    @Test
    void aMigrationInOneRunCopiesStringsAndHashesWithTheirExpiryTimes() throws Exception {
        try (Jedis jedis = new Jedis("127.0.0.1", kv.port(), 20_000)) {
            jedis.flushAll();
            ClientProcess.Run run = ClientProcess.run(workDir, kv.port(), "migrate", "--from",
                    "redis://127.0.0.1:" + redis.port());
            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.err()).contains("migrated " + String.format("%,d", original.size()) + " keys", "0 errors");
            assertThat(Keyspaces.read(jedis)).isEqualTo(original);
        }
    }

    private static long keysIn(Path checkpoint) {
        try {
            Properties properties = new Properties();
            try (var in = Files.newBufferedReader(checkpoint)) {
                properties.load(in);
            }
            return Long.parseLong(properties.getProperty("keys", "0"));
        }
        catch (Exception e) {
            return 0; // not written yet
        }
    }
}
