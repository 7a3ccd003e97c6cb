package kv.compat.frameworks.jedis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import kv.compat.support.Target;
import kv.proxy.testing.Await;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Jedis, unchanged, as applications use it: every scenario against Redis (the control that
 * proves it right), kv-server and kv-proxy.
 */
class JedisScenariosTest {

    private static final Duration EXPIRY_DEADLINE = Duration.ofSeconds(8);
    /** Keys unique per run, so runs and other judges on the same server never meet. */
    private static final String PREFIX = "compat-jedis-" + Long.toString(System.nanoTime(), 36) + ":";

    @ParameterizedTest(name = "{0}")
    @EnumSource(Target.class)
    void setWithExIsGoneAfterItsTtl(Target target) {
        try (Jedis jedis = connect(target)) {
            String key = PREFIX + "ex:" + target;
            assertThat(jedis.set(key, "v", SetParams.setParams().ex(1))).isEqualTo("OK");
            assertThat(jedis.get(key)).isEqualTo("v");
            assertThat(jedis.ttl(key)).isBetween(0L, 1L);
            Await.until("the key to expire", EXPIRY_DEADLINE, () -> jedis.get(key) == null);
            assertThat(jedis.exists(key)).isFalse();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Target.class)
    void setexIsGoneAfterItsTtl(Target target) {
        try (Jedis jedis = connect(target)) {
            String key = PREFIX + "setex:" + target;
            assertThat(jedis.setex(key, 1, "v")).isEqualTo("OK");
            assertThat(jedis.pttl(key)).isBetween(1L, 1000L);
            Await.until("the key to expire", EXPIRY_DEADLINE, () -> jedis.get(key) == null);
            assertThat(jedis.ttl(key)).as("TTL of a gone key").isEqualTo(-2L);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Target.class)
    void incrCountsAndExpireEndsTheCount(Target target) {
        try (Jedis jedis = connect(target)) {
            String key = PREFIX + "counter:" + target;
            assertThat(jedis.incr(key)).isEqualTo(1L);
            assertThat(jedis.incr(key)).isEqualTo(2L);
            assertThat(jedis.incrBy(key, 40)).isEqualTo(42L);
            assertThat(jedis.decr(key)).isEqualTo(41L);
            assertThat(jedis.expire(key, 1)).isEqualTo(1L);
            Await.until("the counter to expire", EXPIRY_DEADLINE, () -> jedis.get(key) == null);
            assertThat(jedis.incr(key)).as("a new count").isEqualTo(1L);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Target.class)
    void scanVisitsEveryMatchingKey(Target target) {
        try (Jedis jedis = connect(target)) {
            String prefix = PREFIX + "scan:" + target + ":";
            Set<String> written = new HashSet<>();
            for (int i = 0; i < 30; i++) {
                jedis.set(prefix + i, "v");
                written.add(prefix + i);
            }
            jedis.set(PREFIX + "not-scanned:" + target, "v");
            Set<String> scanned = new HashSet<>();
            ScanParams params = new ScanParams().match(prefix + "*").count(5);
            String cursor = ScanParams.SCAN_POINTER_START;
            int calls = 0;
            do {
                ScanResult<String> page = jedis.scan(cursor, params);
                scanned.addAll(page.getResult());
                cursor = page.getCursor();
                assertThat(++calls).as("SCAN calls").isLessThan(10_000);
            }
            while (!cursor.equals(ScanParams.SCAN_POINTER_START));
            assertThat(scanned).isEqualTo(written);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Target.class)
    void aSelectedDatabaseIsSeparateFromDatabaseZero(Target target) {
        try (Jedis jedis = connect(target)) {
            String key = PREFIX + "db:" + target;
            assertThat(jedis.select(5)).isEqualTo("OK");
            jedis.set(key, "in 5");
            assertThat(jedis.select(0)).isEqualTo("OK");
            assertThat(jedis.get(key)).isNull();
            assertThat(jedis.select(5)).isEqualTo("OK");
            assertThat(jedis.get(key)).isEqualTo("in 5");
            assertThat(jedis.del(key)).isEqualTo(1L);
        }
    }

    /** {@code multi()}/{@code exec()}: replies in order, a runtime error in one command does not stop the others. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Target.class)
    void multiExecRunsEveryQueuedCommand(Target target) {
        try (Jedis jedis = connect(target)) {
            String key = PREFIX + "multi:" + target;
            Transaction transaction = jedis.multi();
            transaction.set(key, "x");
            transaction.incr(key);
            transaction.append(key, "y");
            transaction.get(key);
            List<Object> results = transaction.exec();
            assertThat(results).hasSize(4);
            assertThat(results.get(0)).isEqualTo("OK");
            assertThat(results.get(1)).isInstanceOf(JedisDataException.class);
            assertThat(((JedisDataException) results.get(1)).getMessage())
                    .isEqualTo("ERR value is not an integer or out of range");
            assertThat(results.subList(2, 4)).containsExactly(2L, "xy");
            assertThat(jedis.get(key)).isEqualTo("xy");
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Target.class)
    void discardWritesNothing(Target target) {
        try (Jedis jedis = connect(target)) {
            String key = PREFIX + "discard:" + target;
            Transaction transaction = jedis.multi();
            transaction.set(key, "never");
            assertThat(transaction.discard()).isEqualTo("OK");
            assertThat(jedis.get(key)).isNull();
        }
    }

    /** {@code watch}, then another client's write: {@code exec()} answers null and writes nothing. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Target.class)
    void watchAbortsTheTransactionWhenAnotherClientWrites(Target target) {
        try (Jedis jedis = connect(target); Jedis other = connect(target)) {
            String key = PREFIX + "watch:" + target;
            jedis.set(key, "1");
            assertThat(jedis.watch(key)).isEqualTo("OK");
            long seen = Long.parseLong(jedis.get(key));
            other.set(key, "100");
            Transaction transaction = jedis.multi();
            transaction.set(key, Long.toString(seen + 1));
            assertThat(transaction.exec()).as("EXEC after a watched key changed").isNull();
            assertThat(jedis.get(key)).isEqualTo("100");

            assertThat(jedis.watch(key)).isEqualTo("OK");
            Transaction unchanged = jedis.multi();
            unchanged.incr(key);
            assertThat(unchanged.exec()).as("EXEC when nobody wrote").containsExactly(101L);
        }
    }

    private static Jedis connect(Target target) {
        return new Jedis("127.0.0.1", target.port(), 5_000);
    }
}
