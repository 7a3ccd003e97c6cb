package kv.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import kv.protocol.endpoint.RespServerConnectionFactory;
import kv.server.expiry.ExpiryCycle;
import kv.server.store.KeyValueStore;
import kv.server.store.RocksDbStore;
import kv.server.store.StoreCounters;
import kv.server.testing.ManualClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.test.annotation.DirtiesContext;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

/**
 * Hashes of 100k fields over TCP: what HGET and HSET of one field cost in store work (keys read,
 * entries and bytes written, from the store's counters, never a timing) is the same as on a hash
 * of 10 fields; DEL of the big hash is one range deletion, and its space comes back after
 * compaction; expiry (passive at every read, active by the cycle) removes a hash with its fields.
 * The value cache is off: every read reaches RocksDB and is counted.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {"kv.server.port=0", "kv.server.expiry.active=false", "kv.server.cache-size=0"})
@DirtiesContext
class BigHashTest extends RunningServerTest {

    static final int BIG = 100_000;

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
    KeyValueStore store;

    @Autowired
    ManualClock clock;

    @Autowired
    ExpiryCycle cycle;

    @BeforeEach
    void flush() {
        try (Jedis jedis = jedis()) {
            jedis.flushAll();
        }
    }

    Jedis jedis() {
        return new Jedis("127.0.0.1", connectionFactory.getPort(), 30_000);
    }

    /** Fills {@code key} with fields f0..f(n-1), a thousand per HSET, pipelined. */
    void fill(Jedis jedis, String key, int n) {
        Pipeline pipeline = jedis.pipelined();
        Map<String, String> batch = new HashMap<>();
        for (int i = 0; i < n; i++) {
            batch.put("f" + i, "value-" + i);
            if (batch.size() == 1000 || i == n - 1) {
                pipeline.hset(key, batch);
                batch = new HashMap<>();
            }
        }
        pipeline.sync();
        assertThat(jedis.hlen(key)).isEqualTo(n);
    }

    record Work(long keysRead, long entriesWritten, long bytesWritten, long rangeDeletes) {
    }

    Work work(Runnable command) {
        StoreCounters counters = store.counters();
        long read = counters.keysRead();
        long entries = counters.entriesWritten();
        long bytes = counters.bytesWritten();
        long ranges = counters.rangeDeletes();
        command.run();
        return new Work(counters.keysRead() - read, counters.entriesWritten() - entries,
                counters.bytesWritten() - bytes, counters.rangeDeletes() - ranges);
    }

    @Test
    void hgetAndHsetOfOneFieldCostTheSameOnAHashOf100kFieldsAsOnOneOf10() {
        try (Jedis jedis = jedis()) {
            fill(jedis, "h:small", 10);
            fill(jedis, "h:large", BIG);

            Work smallGet = work(() -> assertThat(jedis.hget("h:small", "f5")).isEqualTo("value-5"));
            Work largeGet = work(() -> assertThat(jedis.hget("h:large", "f50000")).isEqualTo("value-50000"));
            assertThat(smallGet.keysRead()).as("the metadata and the field").isEqualTo(2);
            assertThat(largeGet).isEqualTo(smallGet);

            Work smallSet = work(() -> assertThat(jedis.hset("h:small", "f5", "other")).isZero());
            Work largeSet = work(() -> assertThat(jedis.hset("h:large", "f5", "other")).isZero());
            assertThat(smallSet.entriesWritten()).as("the field and the metadata").isEqualTo(2);
            assertThat(largeSet).isEqualTo(smallSet);

            Work smallNew = work(() -> assertThat(jedis.hset("h:small", "new", "v")).isOne());
            Work largeNew = work(() -> assertThat(jedis.hset("h:large", "new", "v")).isOne());
            assertThat(largeNew).isEqualTo(smallNew);
            assertThat(jedis.hlen("h:large")).isEqualTo(BIG + 1);

            Work smallDel = work(() -> assertThat(jedis.hdel("h:small", "f1")).isOne());
            Work largeDel = work(() -> assertThat(jedis.hdel("h:large", "f1")).isOne());
            assertThat(largeDel).isEqualTo(smallDel);
            assertThat(jedis.hlen("h:large")).isEqualTo(BIG);
        }
    }

    @Test
    void hrandfieldOnAHashOf100kFieldsPicksFromAllOverIt() {
        try (Jedis jedis = jedis()) {
            fill(jedis, "big", BIG);
            java.util.Set<String> picked = new java.util.HashSet<>();
            for (int i = 0; i < 200; i++) {
                picked.add(jedis.hrandfield("big"));
            }
            assertThat(picked).as("200 picks of one field").hasSizeGreaterThan(150).allMatch(f -> f.matches("f\\d+"));
            java.util.List<String> distinct = jedis.hrandfield("big", 500);
            assertThat(distinct).hasSize(500).doesNotHaveDuplicates();
            assertThat(jedis.hrandfield("big", -1000)).hasSize(1000);
            java.util.List<Map.Entry<String, String>> pairs = jedis.hrandfieldWithValues("big", 20);
            assertThat(pairs).hasSize(20).allMatch(e -> e.getValue().equals("value-" + e.getKey().substring(1)));
        }
    }

    @Test
    void delOfAHashOf100kFieldsIsOneRangeDeletionAndItsSpaceComesBackAfterCompaction() {
        RocksDbStore rocks = (RocksDbStore) store;
        try (Jedis jedis = jedis()) {
            fill(jedis, "big", BIG);
            jedis.set("other", "kept");
            rocks.compact();
            long bytesBefore = store.storedBytes();

            Work del = work(() -> assertThat(jedis.del("big")).isOne());
            assertThat(del.rangeDeletes()).isOne();
            assertThat(del.entriesWritten()).as("the metadata's deletion and one range deletion").isEqualTo(2);
            assertThat(del.keysRead()).as("the metadata only").isEqualTo(1);
            assertThat(jedis.exists("big")).isFalse();
            assertThat(jedis.hlen("big")).isZero();
            assertThat(jedis.hget("big", "f7")).isNull();
            assertThat(jedis.dbSize()).isOne();

            rocks.compact();
            assertThat(store.storedBytes()).as("the fields' space, after compaction").isLessThan(bytesBefore / 10);
            assertThat(jedis.get("other")).isEqualTo("kept");

            jedis.hset("big", "f7", "new");
            assertThat(jedis.hgetAll("big")).as("a hash made again under the name has only its own fields")
                    .isEqualTo(Map.of("f7", "new"));
        }
    }

    @Test
    void setOverABigHashDropsItsFieldsInOneRangeDeletion() {
        try (Jedis jedis = jedis()) {
            fill(jedis, "big", 10_000);
            Work set = work(() -> assertThat(jedis.set("big", "string now")).isEqualTo("OK"));
            assertThat(set.rangeDeletes()).isOne();
            assertThat(set.entriesWritten()).isEqualTo(2);
            assertThat(jedis.type("big")).isEqualTo("string");
            assertThat(jedis.get("big")).isEqualTo("string now");
        }
    }

    @Test
    void aHashPastItsExpiryIsGoneAtOnceAndTheActiveCycleDropsItsFields() {
        try (Jedis jedis = jedis()) {
            fill(jedis, "session:1", 1000);
            fill(jedis, "session:2", 1000);
            assertThat(jedis.expire("session:1", 10)).isOne();
            assertThat(jedis.pexpire("session:2", 20_000)).isOne();
            assertThat(jedis.hset("session:1", "f0", "touched")).as("HSET keeps the expiry").isZero();
            assertThat(jedis.ttl("session:1")).isEqualTo(10);

            clock.advance(Duration.ofSeconds(10));
            assertThat(jedis.hget("session:1", "f1")).as("passive expiry").isNull();
            assertThat(jedis.hlen("session:1")).isZero();
            assertThat(jedis.exists("session:1")).isFalse();
            assertThat(jedis.type("session:1")).isEqualTo("none");
            assertThat(jedis.hgetAll("session:1")).isEmpty();
            assertThat(jedis.dbSize()).as("as in Redis, counted until the cycle deletes it").isEqualTo(2);
            assertThat(jedis.hset("session:1", "fresh", "v")).isOne();
            assertThat(jedis.hgetAll("session:1")).as("the expired hash's fields are not the new one's")
                    .isEqualTo(Map.of("fresh", "v"));
            assertThat(jedis.ttl("session:1")).isEqualTo(-1);

            clock.advance(Duration.ofSeconds(10));
            Work expiry = work(cycle::runOnce);
            assertThat(expiry.rangeDeletes()).as("session:2's fields, in one range deletion").isOne();
            assertThat(jedis.dbSize()).isOne();
            assertThat(jedis.keys("*")).containsExactly("session:1");
        }
    }
}
