package kv.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import kv.protocol.endpoint.RespServerConnectionFactory;
import kv.protocol.resp.Replies;
import kv.protocol.resp.RespValue;
import kv.server.expiry.ExpiryCycle;
import kv.server.testing.ManualClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Expiry over TCP with Jedis, on a clock the test moves (no sleeping): TTLs as applications set
 * them, passive expiry at every read, and the active cycle (run by the test here, not by its
 * schedule) deleting keys, counting them and telling tracking clients.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {"kv.server.port=0", "kv.server.expiry.active=false"})
@DirtiesContext // its data directory goes with the class: no later class may reuse this context
class ExpiryIntegrationTest extends RunningServerTest {

    @TestConfiguration
    static class TestClock {
        @Bean
        @Primary
        ManualClock manualClock() {
            return new ManualClock();
        }
    }

    @Autowired
    RespServerConnectionFactory connectionFactory;

    @Autowired
    ManualClock clock;

    @Autowired
    ExpiryCycle cycle;

    int port;

    @BeforeEach
    void flush() {
        port = connectionFactory.getPort();
        try (Jedis jedis = jedis()) {
            jedis.flushAll();
        }
    }

    Jedis jedis() {
        return new Jedis("127.0.0.1", port, 10_000);
    }

    @Test
    void aKeySetWithATtlIsGoneOnceItsTimeComes() {
        try (Jedis jedis = jedis()) {
            assertThat(jedis.set("session", "data", SetParams.setParams().ex(10))).isEqualTo("OK");
            assertThat(jedis.setex("token", 5, "t")).isEqualTo("OK");
            assertThat(jedis.psetex("short", 1500, "s")).isEqualTo("OK");
            assertThat(jedis.ttl("session")).isEqualTo(10);
            assertThat(jedis.pttl("short")).isEqualTo(1500);
            assertThat(jedis.expireTime("session")).isEqualTo((clock.millis() + 10_000 + 500) / 1000);
            assertThat(jedis.pexpireTime("session")).isEqualTo(clock.millis() + 10_000);

            clock.advance(Duration.ofMillis(1500));
            assertThat(jedis.get("short")).as("at its expiry time").isNull();
            assertThat(jedis.ttl("short")).isEqualTo(-2);
            assertThat(jedis.ttl("token")).isEqualTo(4); // 3.5 s rounds up, as Redis rounds
            clock.advance(Duration.ofSeconds(4));
            assertThat(jedis.exists("token")).isFalse();
            assertThat(jedis.mget("session", "token")).containsExactly("data", null);
            assertThat(jedis.keys("*")).containsExactly("session");
            assertThat(jedis.dbSize()).as("as in Redis, DBSIZE counts keys the cycle has not deleted yet").isEqualTo(3);
            cycle.runOnce();
            assertThat(jedis.dbSize()).isEqualTo(1);
            clock.advance(Duration.ofSeconds(5));
            assertThat(jedis.get("session")).isNull();
            cycle.runOnce();
            assertThat(jedis.dbSize()).isZero();
        }
    }

    @Test
    void aRateLimiterCountsAndResetsWithIncrAndExpire() {
        try (Jedis jedis = jedis()) {
            for (int i = 1; i <= 3; i++) {
                long count = jedis.incr("rate:client");
                if (count == 1) {
                    jedis.expire("rate:client", 60);
                }
                assertThat(count).isEqualTo(i);
            }
            assertThat(jedis.ttl("rate:client")).as("INCR keeps the expiry").isEqualTo(60);
            clock.advance(Duration.ofSeconds(60));
            assertThat(jedis.incr("rate:client")).as("a new window").isEqualTo(1);
            assertThat(jedis.ttl("rate:client")).isEqualTo(-1);
            assertThat(jedis.persist("rate:client")).isZero();
        }
    }

    @Test
    void aLockTakenWithNxPxCanBeTakenAgainOnceItExpires() {
        try (Jedis jedis = jedis()) {
            assertThat(jedis.set("lock", "a", SetParams.setParams().nx().px(30_000))).isEqualTo("OK");
            assertThat(jedis.set("lock", "b", SetParams.setParams().nx().px(30_000))).isNull();
            clock.advance(Duration.ofSeconds(30));
            assertThat(jedis.set("lock", "b", SetParams.setParams().nx().px(30_000))).isEqualTo("OK");
            assertThat(jedis.get("lock")).isEqualTo("b");
        }
    }

    @Test
    void theActiveCycleDeletesCountsAndInvalidatesExpiredKeys() throws IOException {
        try (Jedis jedis = jedis(); RawConnection tracker = new RawConnection(port)) {
            tracker.send("HELLO 3\r\n").read();
            assertThat(tracker.send("CLIENT TRACKING ON BCAST\r\n").read()).isEqualTo(Replies.OK);
            jedis.select(2);
            jedis.setex("soon", 1, "v");
            assertThat(tracker.read()).as("the SETEX's own invalidation").isInstanceOf(RespValue.Push.class);
            long before = expiredKeys(jedis);
            clock.advance(Duration.ofSeconds(1));
            assertThat(cycle.runOnce()).isEqualTo(1);
            RespValue push = tracker.read();
            assertThat(((RespValue.Push) push).elements().get(1)).isEqualTo(new RespValue.Array(List.of(Replies.bulk("soon"))));
            assertThat(expiredKeys(jedis)).isEqualTo(before + 1);
            assertThat(cycle.runOnce()).isZero();
        }
    }

    private static long expiredKeys(Jedis jedis) {
        for (String line : jedis.info("stats").split("\r\n")) {
            if (line.startsWith("expired_keys:")) {
                return Long.parseLong(line.substring("expired_keys:".length()));
            }
        }
        throw new AssertionError("no expired_keys in INFO");
    }

    @Test
    void databasesAreSeparateKeySpacesForEveryCommand() {
        try (Jedis zero = jedis(); Jedis one = jedis()) {
            one.select(1);
            zero.set("k", "0");
            one.set("k", "1", SetParams.setParams().ex(100));
            assertThat(zero.get("k")).isEqualTo("0");
            assertThat(one.get("k")).isEqualTo("1");
            assertThat(zero.ttl("k")).isEqualTo(-1);
            assertThat(one.ttl("k")).isEqualTo(100);
            assertThat(one.incr("n")).isEqualTo(1);
            assertThat(zero.exists("n")).isFalse();
            assertThat(zero.copy("k", "k", 1, true)).isTrue();
            assertThat(one.get("k")).isEqualTo("0");
            assertThat(one.ttl("k")).as("COPY takes the source's (absent) expiry").isEqualTo(-1);
            one.flushDB();
            assertThat(one.dbSize()).isZero();
            assertThat(zero.get("k")).isEqualTo("0");
        }
    }

    @Test
    void scanReturnsEveryKeyOnceWhileOthersAreWritten() {
        try (Jedis jedis = jedis(); Jedis writer = jedis()) {
            Set<String> present = new HashSet<>();
            for (int i = 0; i < 500; i++) {
                jedis.set("key:" + i, "v");
                present.add("key:" + i);
            }
            jedis.set("other", "v");
            List<String> seen = new ArrayList<>();
            String cursor = ScanParams.SCAN_POINTER_START;
            int calls = 0;
            do {
                ScanResult<String> page = jedis.scan(cursor, new ScanParams().match("key:*").count(37));
                seen.addAll(page.getResult());
                cursor = page.getCursor();
                writer.set("new:" + calls, "v"); // writes during the iteration
                writer.del("key:" + (400 + calls)); // and deletes
                calls++;
            } while (!cursor.equals("0") && calls < 1000);
            assertThat(cursor).isEqualTo("0");
            Set<String> stayed = new HashSet<>(present);
            for (int i = 0; i < calls; i++) {
                stayed.remove("key:" + (400 + i));
            }
            assertThat(seen).containsAll(stayed).doesNotHaveDuplicates().allMatch(key -> key.startsWith("key:"));
            assertThat(jedis.scan("0", new ScanParams().count(1000), "hash").getResult()).isEmpty();
            assertThat(jedis.scan("0", new ScanParams().count(1000), "string").getResult()).hasSizeGreaterThan(100);
        }
    }

    @Test
    void concurrentIncrementsAreNeverLost() throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                done.add(clients.submit(() -> {
                    try (Jedis jedis = jedis()) {
                        for (int i = 0; i < 250; i++) {
                            jedis.incr("counter");
                            jedis.append("log", "x");
                        }
                    }
                }));
            }
            for (Future<?> future : done) {
                future.get();
            }
        }
        finally {
            clients.shutdown();
        }
        try (Jedis jedis = jedis()) {
            assertThat(jedis.get("counter")).isEqualTo("1000");
            assertThat(jedis.strlen("log")).isEqualTo(1000);
        }
    }
}
