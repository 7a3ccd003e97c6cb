package kv.server;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import kv.protocol.endpoint.RespEndpoint;
import kv.protocol.endpoint.RespServerConnectionFactory;
import kv.protocol.resp.Replies;
import kv.protocol.resp.RespValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import redis.clients.jedis.Jedis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** What a client learns about its connection and the others, and how it steers them, over the wire. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = "kv.server.port=0")
@DirtiesContext
class IntrospectionTest extends RunningServerTest {

    @Autowired
    RespServerConnectionFactory connectionFactory;

    private RawConnection connect() throws IOException {
        return new RawConnection(connectionFactory.getPort());
    }

    private static String text(RespValue value) {
        return ((RespValue.BulkString) value).asString();
    }

    @Test
    void clientInfoHasRedisSevenFieldsWithTheLocalAddressTheLastCommandAndTheTrackingFlags() throws IOException {
        try (RawConnection client = connect()) {
            String info = text(client.send("CLIENT INFO\r\n").read());
            assertThat(info).matches("id=\\d+ addr=127\\.0\\.0\\.1:\\d+ laddr=127\\.0\\.0\\.1:" + connectionFactory.getPort()
                    + " fd=-1 name= age=\\d+ idle=0 flags=N db=0 sub=0 psub=0 ssub=0 multi=-1 qbuf=0 qbuf-free=0"
                    + " argv-mem=0 multi-mem=0 rbs=0 rbp=0 obl=0 oll=0 omem=0 tot-mem=0 events=r cmd=client\\|info"
                    + " user=default redir=-1 resp=2\n");
            client.send("HELLO 3\r\n").read();
            assertThat(client.send("CLIENT TRACKING ON BCAST\r\n").read()).isEqualTo(Replies.OK);
            assertThat(text(client.send("CLIENT INFO\r\n").read())).contains(" flags=tB ").contains(" redir=0 resp=3");
        }
    }

    @Test
    void trackingInfoInBroadcastModeWithoutPrefixesAnswersTheOneEmptyPrefixAsRedisDoes() throws IOException {
        try (RawConnection client = connect()) {
            client.send("HELLO 3\r\n").read();
            client.send("CLIENT TRACKING ON BCAST\r\n").read();
            assertThat(client.send("CLIENT TRACKINGINFO\r\n").read()).isEqualTo(new RespValue.Map(List.of(
                    Replies.bulk("flags"), new RespValue.Set(List.of(Replies.bulk("on"), Replies.bulk("bcast"))),
                    Replies.bulk("redirect"), Replies.integer(0),
                    Replies.bulk("prefixes"), new RespValue.Array(List.of(Replies.bulk(""))))));
        }
    }

    @Test
    void clientReplyOffAndSkipLeaveRepliesOutUntilOn() throws IOException {
        try (RawConnection client = connect()) {
            client.send("CLIENT REPLY OFF\r\nSET r 1\r\nGET r\r\nCLIENT REPLY ON\r\nGET r\r\n");
            assertThat(client.read()).as("the reply to CLIENT REPLY ON comes first").isEqualTo(Replies.OK);
            assertThat(client.read()).isEqualTo(Replies.bulk("1"));
            client.send("CLIENT REPLY SKIP\r\nSET r 2\r\nPING\r\n");
            assertThat(client.read()).as("SKIP: only SET's reply is left out").isEqualTo(Replies.PONG);
            assertThat(client.send("GET r\r\n").read()).isEqualTo(Replies.bulk("2"));
        }
    }

    @Test
    void clientKillClosesTheOtherConnectionAndAnswersHowMany() throws IOException {
        try (RawConnection killer = connect(); RawConnection victim = connect()) {
            long id = ((RespValue.Integer) victim.send("CLIENT ID\r\n").read()).value();
            assertThat(killer.send("CLIENT KILL ID " + id + "\r\n").read()).isEqualTo(Replies.integer(1));
            assertThat(victim.closedByServer()).isTrue();
            assertThat(killer.send("CLIENT KILL ID " + id + "\r\n").read()).isEqualTo(Replies.integer(0));
            assertThat(text(killer.send("CLIENT LIST\r\n").read())).doesNotContain("id=" + id + " ");
        }
    }

    @Test
    void resetTurnsTrackingOffAndGoesBackToResp2() throws IOException {
        try (RawConnection client = connect()) {
            client.send("HELLO 3\r\n").read();
            client.send("CLIENT TRACKING ON\r\n").read();
            assertThat(client.send("RESET\r\n").read()).isEqualTo(new RespValue.SimpleString("RESET"));
            assertThat(text(client.send("CLIENT INFO\r\n").read())).contains(" flags=N ").contains(" resp=2\n");
        }
    }

    @Test
    void infoHasTheMemoryAndCpuSectionsMonitoringToolsRead() throws IOException {
        try (RawConnection client = connect()) {
            String info = text(client.send("INFO\r\n").read());
            for (String field : List.of("# Memory", "used_memory:", "used_memory_human:", "used_memory_rss:",
                    "used_memory_peak:", "maxmemory:0", "maxmemory_policy:noeviction", "mem_fragmentation_ratio:",
                    "total_system_memory:", "# Cpu", "used_cpu_sys:", "used_cpu_user:", "used_cpu_sys_children:")) {
                assertThat(info).contains(field);
            }
            assertThat(info.indexOf("# Memory")).isLessThan(info.indexOf("# Stats"));
            String cpu = info.substring(info.indexOf("used_cpu_user:") + "used_cpu_user:".length());
            assertThat(Double.parseDouble(cpu.substring(0, cpu.indexOf('\r')))).isPositive();
        }
    }

    /** Runs {@code check} with a connection to a redis-server of its own and one to kv. */
    private void againstRedis(Path redisDir, RedisCheck check) throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Process redis = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--save", "",
                "--appendonly", "no", "--dir", redisDir.toString()).redirectErrorStream(true)
                .redirectOutput(redisDir.resolve("log").toFile()).start();
        try (Jedis reference = new Jedis("127.0.0.1", port); Jedis kv = new Jedis("127.0.0.1", connectionFactory.getPort())) {
            await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> "PONG".equals(reference.ping()));
            check.run(reference, kv);
        }
        finally {
            redis.destroy();
            redis.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private interface RedisCheck {
        void run(Jedis reference, Jedis kv) throws Exception;
    }

    @Test
    void configGetAnswersEveryParameterRedisSevenHas(@TempDir Path redisDir) throws Exception {
        againstRedis(redisDir, (reference, kv) -> {
            Map<String, String> redisConfig = reference.configGet("*");
            Map<String, String> kvConfig = kv.configGet("*");
            assertThat(redisConfig).hasSizeGreaterThan(150);
            assertThat(kvConfig.keySet()).containsExactlyInAnyOrderElementsOf(redisConfig.keySet());
            assertThat(kvConfig).containsEntry("port", Integer.toString(connectionFactory.getPort()))
                    .containsEntry("appendonly", "yes").containsEntry("maxmemory-policy", "noeviction")
                    .containsEntry("tcp-backlog", Integer.toString(RespEndpoint.BACKLOG))
                    .containsEntry("client-output-buffer-limit", redisConfig.get("client-output-buffer-limit")
                            .replaceFirst("^normal 0 0 0", "normal 1073741824 0 0")); // kv's normal hard limit, 1 GB
            assertThat(kv.configGet("maxmemory*")).containsOnlyKeys("maxmemory", "maxmemory-clients",
                    "maxmemory-eviction-tenacity", "maxmemory-policy", "maxmemory-samples");
        });
    }

    @Test
    void objectAnswersAsRedisDoesForEveryKindOfString(@TempDir Path redisDir) throws Exception {
        List<String> values = List.of("0", "123", "9999", "10000", "-5", "05", "+5", "-0", "12345678901234567890",
                "9223372036854775807", "-9223372036854775808", "hello", " 1", "x".repeat(44), "x".repeat(45), "");
        againstRedis(redisDir, (reference, kv) -> {
            for (int i = 0; i < values.size(); i++) {
                String key = "object:" + i;
                for (Jedis each : List.of(reference, kv)) {
                    each.set(key, values.get(i));
                }
                assertThat(kv.objectEncoding(key)).as("encoding of '%s'", values.get(i))
                        .isEqualTo(reference.objectEncoding(key));
                assertThat(kv.objectRefcount(key)).as("refcount of '%s'", values.get(i))
                        .isEqualTo(reference.objectRefcount(key));
            }
            assertThat(kv.objectEncoding("object:none")).isNull();
            assertThat(kv.objectIdletime("object:0")).isZero();
            assertThat(kv.objectHelp()).isEqualTo(reference.objectHelp());
            assertThat(catchError(() -> kv.objectFreq("object:0"))).isEqualTo(catchError(() -> reference.objectFreq("object:0")));
        });
    }

    private static String catchError(Runnable call) {
        try {
            call.run();
            return null;
        }
        catch (RuntimeException e) {
            return e.getMessage();
        }
    }

    /**
     * MEMORY USAGE is what the key's records cost in RocksDB: key (with its database byte) and
     * value as stored, the value's header, 8 bytes per record, and an expiring key's index record.
     */
    @Test
    void memoryUsageCountsTheKeysRecordsAsStored() throws IOException {
        try (RawConnection client = connect()) {
            String value = "v".repeat(100);
            client.send("SET mem:s " + value + "\r\n").read();
            // key 1 + 5, header 1, value 100, record 8
            assertThat(client.send("MEMORY USAGE mem:s\r\n").read()).isEqualTo(Replies.integer(115));
            client.send("SET mem:t " + value + " EX 100\r\n").read();
            // + the expiry in the header (8) + the expiry index's record (8 + key 6 + record 8)
            assertThat(client.send("MEMORY USAGE mem:t\r\n").read()).isEqualTo(Replies.integer(115 + 8 + 22));
            client.send("HSET mem:h f1 v1 f2 v2 f3 v3\r\n").read();
            // metadata: key 6, header 1, 17, record 8; each field: 1 + 4 + name 5 + version 8 + f 2 + v 2 + record 8
            assertThat(client.send("MEMORY USAGE mem:h\r\n").read()).isEqualTo(Replies.integer(32 + 3 * 30));
            client.send("HSET mem:big a " + value + " b x c x\r\n").read();
            long sampled = ((RespValue.Integer) client.send("MEMORY USAGE mem:big SAMPLES 1\r\n").read()).value();
            long all = ((RespValue.Integer) client.send("MEMORY USAGE mem:big SAMPLES 0\r\n").read()).value();
            assertThat(all).isEqualTo(34 + (29 + 100) + 2 * (29 + 1));
            assertThat(sampled).as("one field sampled, times three").isEqualTo(34 + 3 * (29 + 100));
            assertThat(client.send("MEMORY USAGE mem:none\r\n").read()).isEqualTo(Replies.NULL);
        }
    }
}
