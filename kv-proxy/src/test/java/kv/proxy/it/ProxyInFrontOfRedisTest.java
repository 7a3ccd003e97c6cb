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

import kv.protocol.resp.Replies;
import kv.protocol.resp.Request;
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
            RespValue reply = client.call("LPUSH", "list", "x");
            assertThat(reply).isInstanceOf(RespValue.Error.class);
            assertThat(((RespValue.Error) reply).message()).contains("unknown command 'LPUSH'").contains("kv-proxy");
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

    @Test
    void aGetBehindASetOfItsKeyInOnePipelineSeesTheWriteTravelsWithItAndLeavesNothingStaleCached() throws Exception {
        int pairs = 1000;
        try (Jedis direct = direct(); Jedis client = client(); Jedis reader = client()) {
            for (int k = 0; k < 3; k++) {
                String key = "behind-" + k;
                proxy.awaitInvalidationOf(() -> direct.set(key, "old"));
                assertThat(reader.get(key)).isEqualTo("old"); // cached now: a hit would serve "old"
            }
            long pipelinesBefore = backendRequests(reader);
            long uncachedBefore = proxy.cache().stats().bypasses();
            long missesBefore = proxy.cache().stats().misses();
            long hitsBefore = proxy.cache().stats().hits();
            Pipeline pipeline = client.pipelined();
            List<Response<String>> replies = new ArrayList<>();
            for (int i = 0; i < pairs; i++) {
                pipeline.set("behind-" + (i % 3), "v" + i);
                replies.add(pipeline.get("behind-" + (i % 3)));
            }
            pipeline.sync();
            for (int i = 0; i < pairs; i++) {
                assertThat(replies.get(i).get()).as("GET behind SET number %d", i).isEqualTo("v" + i);
            }
            assertThat(backendRequests(reader) - pipelinesBefore)
                    .as("backend pipelines for %d commands sent in one client pipeline (one each before)", 2 * pairs)
                    .isLessThan(pairs / 10);
            // The client's pipeline reaches the proxy in as many reads as TCP makes of it, and a
            // run is what one read brought. A GET that begins a run has its SET already
            // acknowledged (a client's next run waits for its last reply): an ordinary miss then,
            // which may fill the cache. Every other GET is read through behind its SET. None
            // may be a hit: each GET's SET withdrew the key before it.
            long readThrough = proxy.cache().stats().bypasses() - uncachedBefore;
            long missed = proxy.cache().stats().misses() - missesBefore;
            assertThat(proxy.cache().stats().hits() - hitsBefore).as("GETs answered from the cache").isZero();
            assertThat(readThrough + missed).as("GETs read through plus GETs that began a run").isEqualTo(pairs);
            assertThat(readThrough).as("GETs read through behind their SET").isGreaterThan(pairs - pairs / 10);
            for (int k = 0; k < 3; k++) {
                String last = "v" + lastIndexOf(k, pairs);
                assertThat(reader.get("behind-" + k)).as("read through the cache after the pipeline").isEqualTo(last);
                assertThat(reader.get("behind-" + k)).as("and again").isEqualTo(last);
                assertThat(direct.get("behind-" + k)).isEqualTo(last);
            }
        }
    }

    /** The last i below {@code pairs} with i % 3 == k. */
    private static int lastIndexOf(int k, int pairs) {
        int i = pairs - 1;
        while (i % 3 != k) {
            i--;
        }
        return i;
    }

    /** Pipelines the proxy has sent to its backend so far (INFO backends' requests=). */
    private static long backendRequests(Jedis proxyClient) {
        Matcher matcher = Pattern.compile("requests=(\\d+)").matcher(proxyClient.info("backends"));
        assertThat(matcher.find()).isTrue();
        return Long.parseLong(matcher.group(1));
    }

    @Test
    void clientReplyOffWithholdsForwardedGetsAndSetsTooAndClientListShowsTheLastCommand() throws Exception {
        try (RespClient client = new RespClient(proxy.port()); RespClient other = new RespClient(proxy.port())) {
            client.call("SET", "withheld", "1");
            // One batch whose SET and GET would go to the backend as one run but for CLIENT REPLY OFF.
            client.pipeline(Request.of("CLIENT", "REPLY", "OFF"), Request.of("SET", "withheld-too", "2"),
                    Request.of("GET", "withheld"), Request.of("CLIENT", "REPLY", "ON"));
            assertThat(client.read()).as("the first reply is CLIENT REPLY ON's").isEqualTo(Replies.OK);
            assertThat(client.call("PING", "next")).as("no reply of SET or GET came before").isEqualTo(Replies.bulk("next"));
            assertThat(client.call("GET", "withheld")).isEqualTo(Replies.bulk("1"));
            long id = ((RespValue.Integer) client.call("CLIENT", "ID")).value();
            assertThat(client.call("GET", "withheld")).isEqualTo(Replies.bulk("1"));
            String list = ((RespValue.BulkString) other.call("CLIENT", "LIST")).asString();
            assertThat(list).containsPattern("id=" + id + " addr=\\S+ laddr=127.0.0.1:" + proxy.port() + " .* cmd=get "
                    + "user=default redir=-1 resp=2 kvsource=off\n");
            String info = ((RespValue.BulkString) other.call("INFO", "memory", "cpu")).asString();
            assertThat(info).startsWith("# Memory\r\nused_memory:").contains("\r\nused_memory_rss:")
                    .contains("\r\n# Cpu\r\nused_cpu_sys:").contains("\r\nused_cpu_user:").doesNotContain("# Cache");
            assertThat(other.call("CLIENT", "KILL", "ID", Long.toString(id))).isEqualTo(Replies.integer(1));
            assertThat(client.read()).as("closed by CLIENT KILL").isNull();
        }
    }

    @Test
    void aQuitPipelinedWithLaterCommandsClosesTheConnection() throws Exception {
        byte[] pipelined = ("*1\r\n$4\r\nQUIT\r\n*1\r\n$4\r\nPING\r\n*2\r\n$3\r\nGET\r\n$4\r\nquit\r\n"
                + "*3\r\n$3\r\nSET\r\n$4\r\nquit\r\n$1\r\nx\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        // The reply left open connections when a worker resolved it before the connection saw it:
        // a race, which 200 connections lose often enough (20 did not always).
        for (int i = 0; i < 200; i++) {
            try (java.net.Socket socket = new java.net.Socket("127.0.0.1", proxy.port())) {
                socket.setSoTimeout(5_000);
                socket.getOutputStream().write(pipelined);
                byte[] reply = socket.getInputStream().readAllBytes(); // until the proxy closes
                assertThat(new String(reply, java.nio.charset.StandardCharsets.US_ASCII)).as("connection " + i)
                        .isEqualTo("+OK\r\n");
            }
            catch (java.net.SocketTimeoutException e) {
                throw new AssertionError("connection " + i + " stayed open after its QUIT", e);
            }
        }
        try (Jedis direct = direct()) {
            assertThat(direct.get("quit")).as("nothing after the QUIT ran").isNull();
        }
    }

    @Test
    void configGetAnswersTheProxysParametersAsRedisShapesThem() throws Exception {
        try (RespClient client = new RespClient(proxy.port()); RespClient redisClient = new RespClient(redis.port())) {
            List<RespValue> all = ((RespValue.Array) client.call("CONFIG", "GET", "*")).elements();
            assertThat(all.size()).as("name, value pairs").isGreaterThan(20).matches(size -> size % 2 == 0);
            assertThat(pairs(client.call("CONFIG", "GET", "databases", "PORT")))
                    .containsExactly("port", Integer.toString(proxy.port()), "databases", "16");
            List<String> memory = pairs(client.call("CONFIG", "GET", "maxmemory*", "*policy"));
            assertThat(memory).hasSize(4).containsSubsequence("maxmemory", "maxmemory-policy", "allkeys-lfu");
            assertThat(Long.parseLong(memory.get(1))).as("the cache's bound").isPositive();
            assertThat(pairs(client.call("CONFIG", "GET", "kv.proxy.backends")))
                    .containsExactly("kv.proxy.backends", "127.0.0.1:" + redis.port());
            assertThat(pairs(client.call("CONFIG", "GET", "no-such-parameter"))).isEmpty();
            for (List<String> words : List.of(List.of("CONFIG", "GET_XX"), List.of("CONFIG", "GET"),
                    List.of("CONFIG"), List.of("CONFIG", "NOPE", "x"))) {
                String[] args = words.toArray(String[]::new);
                assertThat(client.call(args)).as(String.join(" ", words)).isEqualTo(redisClient.call(args));
            }
            client.call("HELLO", "3");
            assertThat(client.call("CONFIG", "GET", "databases"))
                    .isEqualTo(new RespValue.Map(List.of(RespValue.BulkString.of("databases"), RespValue.BulkString.of("16"))));
        }
    }

    private static List<String> pairs(RespValue reply) {
        return ((RespValue.Array) reply).elements().stream().map(value -> ((RespValue.BulkString) value).asString()).toList();
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
