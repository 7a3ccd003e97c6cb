package kv.proxy.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import kv.proxy.testing.ProxyOverRedis;
import kv.proxy.testing.ProxyRunner;
import kv.proxy.testing.RedisServerProcess;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;

/**
 * A key whose TTL is beyond the cache's clock ({@code PSETEX k 9223372036854775 v}: more
 * nanoseconds than a long holds), read through the proxy in front of Debian's
 * {@code redis-server}. Named after what broke: kv-compat's pipelined differential run (seed 21,
 * stream seed 25, operation 649) saw {@code GET k1, GET k1, ..., SET k1 0 XX} in one pipeline
 * answer the second GET with "0": the entry's due time overflowed, so the second GET found it
 * expired at once and read the key again, after the pipeline's own later SET.
 */
class PipelinedReadsOfALongLivedKeyTest {

    @RegisterExtension
    static final ProxyOverRedis setup = ProxyOverRedis.backends(1);

    /** The judge's {@code PSETEX k 9223372036854775 v}: a TTL Redis accepts, beyond the cache's nanosecond clock. */
    private static final long FAR_FUTURE_MILLIS = 9_223_372_036_854_775L;

    static RedisServerProcess redis;
    static ProxyRunner proxy;

    @BeforeAll
    static void names() {
        redis = setup.redis(0);
        proxy = setup.proxy();
    }

    @Test
    void twoGetsPipelinedBeforeASetOfTheirKeyBothAnswerTheValueBeforeTheSet() throws Exception {
        try (Jedis direct = direct(); Jedis client = client()) {
            proxy.awaitInvalidationOf(() -> direct.psetex("long-lived", FAR_FUTURE_MILLIS, "before"));
            Pipeline pipeline = client.pipelined();
            Response<String> first = pipeline.get("long-lived");
            Response<String> second = pipeline.get("long-lived");
            Response<String> set = pipeline.set("long-lived", "after");
            pipeline.sync();
            assertThat(List.of(first.get(), second.get(), set.get())).containsExactly("before", "before", "OK");
            assertThat(client.get("long-lived")).isEqualTo("after");
        }
    }

    @Test
    void aKeyWithATtlBeyondTheCachesClockIsServedFromTheCache() throws Exception {
        try (Jedis direct = direct(); Jedis client = client()) {
            proxy.awaitInvalidationOf(() -> direct.psetex("cached-for-ever", FAR_FUTURE_MILLIS, "v"));
            assertThat(client.get("cached-for-ever")).isEqualTo("v");
            long getsBefore = ProxyInFrontOfRedisTest.getCalls(direct);
            for (int i = 0; i < 5; i++) {
                assertThat(client.get("cached-for-ever")).isEqualTo("v");
            }
            assertThat(ProxyInFrontOfRedisTest.getCalls(direct)).as("GETs that reached redis").isEqualTo(getsBefore);
        }
    }

    private static Jedis direct() {
        return new Jedis("127.0.0.1", redis.port());
    }

    private static Jedis client() {
        return new Jedis("127.0.0.1", proxy.port());
    }
}
