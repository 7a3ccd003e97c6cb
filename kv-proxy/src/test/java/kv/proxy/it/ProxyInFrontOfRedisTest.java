package kv.proxy.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import kv.protocol.resp.RespValue;
import kv.proxy.testing.Await;
import kv.proxy.testing.ProxyRunner;
import kv.proxy.testing.RedisServerProcess;
import kv.proxy.testing.RespClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;

/**
 * The proxy in front of Debian's {@code redis-server}: Redis implements CLIENT TRACKING exactly as
 * the proxy expects, so this is where coherence is shown end to end, with real processes.
 */
class ProxyInFrontOfRedisTest {

    @TempDir
    static Path work;

    static RedisServerProcess redis;
    static ProxyRunner proxy;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(RedisServerProcess.available(), "redis-server is not installed");
        redis = RedisServerProcess.start(work);
        proxy = ProxyRunner.start(List.of(redis.port()));
        proxy.awaitCoherent();
    }

    @AfterAll
    static void stop() throws Exception {
        if (proxy != null) {
            proxy.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void twentyGetsOfOneKeyReachTheServerAtMostOnce() throws Exception {
        try (Jedis direct = direct(); Jedis client = client()) {
            proxy.awaitInvalidationOf(() -> direct.set("twenty", "gets"));
            direct.configResetStat();
            for (int i = 0; i < 20; i++) {
                assertThat(client.get("twenty")).isEqualTo("gets");
            }
            assertThat(getCalls(direct)).isLessThanOrEqualTo(1);
        }
    }

    @Test
    void aWriteMadeDirectlyOnTheServerIsSeenThroughTheProxyWithinABoundedTime() {
        List<Long> delaysMicros = new ArrayList<>();
        try (Jedis direct = direct(); Jedis client = client()) {
            for (int i = 0; i < 200; i++) {
                direct.set("seen", "old-" + i);
                Await.until("the old value", Duration.ofSeconds(2), () -> client.get("seen").startsWith("old"));
                client.get("seen"); // cached now
                direct.set("seen", "new-" + i);
                long written = System.nanoTime();
                while (!client.get("seen").equals("new-" + i)) {
                    // A liveness bound, not a latency claim: the delays are the printed figures.
                    assertThat(System.nanoTime() - written).as("the new value served within 5 s")
                            .isLessThan(Duration.ofSeconds(5).toNanos());
                }
                delaysMicros.add((System.nanoTime() - written) / 1000);
            }
        }
        Collections.sort(delaysMicros);
        System.out.printf("INVALIDATION DELAY (write on Redis -> proxy serves the new value), 200 trials:"
                        + " p50 %d us, p90 %d us, p99 %d us, max %d us%n", delaysMicros.get(100),
                delaysMicros.get(180), delaysMicros.get(198), delaysMicros.get(199));
    }

    @Test
    void readYourWritesThroughTheProxy() {
        try (Jedis client = client()) {
            for (int i = 0; i < 300; i++) {
                String key = "ryw-" + (i % 7);
                client.get(key); // make sure an older value is cached
                client.set(key, "v" + i);
                assertThat(client.get(key)).isEqualTo("v" + i);
            }
            client.del("ryw-0");
            assertThat(client.get("ryw-0")).isNull();
            client.mset("ryw-1", "m1", "ryw-2", "m2");
            assertThat(client.mget("ryw-1", "ryw-2")).containsExactly("m1", "m2");
            assertThat(client.get("ryw-2")).isEqualTo("m2");
        }
    }

    @Test
    void theActuatorsCacheMetersCountEachGetOnce() throws Exception {
        try (Jedis direct = direct(); Jedis client = client()) {
            double hits = proxy.metric("cache.gets", "result:hit", "cache:values");
            double misses = proxy.metric("cache.gets", "result:miss", "cache:values");
            double puts = proxy.metric("cache.puts", "cache:values");
            proxy.awaitInvalidationOf(() -> direct.set("metered", "v"));
            assertThat(client.get("metered")).isEqualTo("v"); // a miss, cached
            assertThat(client.get("metered")).isEqualTo("v"); // a hit
            assertThat(client.get("metered-absent")).isNull(); // a miss, nothing cached
            assertThat(proxy.metric("cache.gets", "result:hit", "cache:values") - hits).isEqualTo(1);
            assertThat(proxy.metric("cache.gets", "result:miss", "cache:values") - misses).isEqualTo(2);
            assertThat(proxy.metric("cache.puts", "cache:values") - puts).isEqualTo(1);
            assertThat(proxy.metric("cache.size", "cache:values")).isEqualTo(proxy.cache().entries());
        }
    }

    @Test
    void aFlushdbOnTheServerEmptiesTheCache() {
        try (Jedis direct = direct(); Jedis client = client()) {
            client.set("flushed", "yes");
            assertThat(client.get("flushed")).isEqualTo("yes");
            direct.flushDB();
            Await.until("the flush to reach the proxy", Duration.ofSeconds(1), () -> client.get("flushed") == null);
        }
    }

    @Test
    void cacheHitsAreMarkedOnlyForClientsThatAskForIt() throws Exception {
        try (RespClient shell = new RespClient(proxy.port()); RespClient plain = new RespClient(proxy.port())) {
            proxy.awaitInvalidationOf(() -> shell.call("SET", "marked", "v"));
            shell.call("HELLO", "3");
            assertThat(shell.call("CLIENT", "KVSOURCE", "ON")).isEqualTo(new RespValue.SimpleString("OK"));
            RespValue first = shell.call("GET", "marked");
            RespValue second = shell.call("GET", "marked");
            assertThat(first).isInstanceOf(RespValue.Attributed.class);
            assertThat(source(first)).isEqualTo("backend");
            assertThat(source(second)).isEqualTo("cache");
            assertThat(((RespValue.Attributed) second).value()).isEqualTo(RespValue.BulkString.of("v"));

            plain.call("HELLO", "3");
            assertThat(plain.call("GET", "marked")).isEqualTo(RespValue.BulkString.of("v"));
        }
        try (Jedis direct = direct()) {
            assertThat(direct.sendCommand(() -> "CLIENT".getBytes(), "KVSOURCE", "ON"))
                    .as("Redis itself refuses it").isNotNull();
        }
        catch (redis.clients.jedis.exceptions.JedisDataException expected) {
            assertThat(expected.getMessage()).contains("KVSOURCE");
        }
    }

    @Test
    void commandsOutsideTheCommandTableAreRefusedClearly() throws Exception {
        try (RespClient client = new RespClient(proxy.port())) {
            RespValue reply = client.call("INCR", "counter");
            assertThat(reply).isInstanceOf(RespValue.Error.class);
            assertThat(((RespValue.Error) reply).message()).contains("unknown command 'INCR'").contains("kv-proxy");
            RespValue tracking = client.call("CLIENT", "TRACKING", "ON");
            assertThat(((RespValue.Error) tracking).message()).contains("not offered by kv-proxy");
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() {
        try (Jedis client = client()) {
            Pipeline pipeline = client.pipelined();
            List<Response<String>> replies = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                pipeline.set("pipe-" + (i % 10), "v" + i);
                replies.add(pipeline.get("pipe-" + (i % 10)));
            }
            pipeline.sync();
            for (int i = 0; i < 500; i++) {
                assertThat(replies.get(i).get()).isEqualTo("v" + i);
            }
        }
    }

    private static String source(RespValue reply) {
        RespValue.Map attributes = ((RespValue.Attributed) reply).attributes();
        return ((RespValue.BulkString) attributes.keysAndValues().get(1)).asString();
    }

    static long getCalls(Jedis direct) {
        Matcher calls = Pattern.compile("cmdstat_get:calls=(\\d+)").matcher(direct.info("commandstats"));
        return calls.find() ? Long.parseLong(calls.group(1)) : 0;
    }

    private static Jedis direct() {
        return new Jedis("127.0.0.1", redis.port());
    }

    private static Jedis client() {
        return new Jedis("127.0.0.1", proxy.port());
    }
}
