package kv.proxy.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import kv.proxy.backend.Backends;
import kv.proxy.testing.Await;
import kv.proxy.testing.ProxyRunner;
import kv.proxy.testing.RedisServerProcess;
import kv.server.testing.Actuator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/** Two Redis servers behind one proxy: keys spread by the hash ring, multi-key commands split and merged. */
class ShardedProxyTest {

    @TempDir
    Path work;

    RedisServerProcess a;
    RedisServerProcess b;
    ProxyRunner proxy;

    @BeforeEach
    void start() throws Exception {
        assumeTrue(RedisServerProcess.available(), "redis-server is not installed");
        a = RedisServerProcess.start(work);
        b = RedisServerProcess.start(work);
        proxy = ProxyRunner.start(List.of(a.port(), b.port()));
        proxy.awaitCoherent();
    }

    @AfterEach
    void stop() throws Exception {
        if (proxy != null) {
            proxy.close();
        }
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
    }

    @Test
    void aPipelineOfGetsAndSetsOverTwoBackendsAnswersAsOneAtATimeWould() {
        try (Jedis client = client(); Jedis onA = new Jedis("127.0.0.1", a.port());
             Jedis onB = new Jedis("127.0.0.1", b.port())) {
            for (int i = 0; i < 50; i++) {
                client.set("pipe-" + i, "old-" + i);
                client.get("pipe-" + i); // cached now
            }
            // A model of what one request at a time would answer.
            java.util.Map<String, String> model = new java.util.HashMap<>();
            for (int i = 0; i < 50; i++) {
                model.put("pipe-" + i, "old-" + i);
            }
            redis.clients.jedis.Pipeline pipeline = client.pipelined();
            List<redis.clients.jedis.Response<String>> replies = new java.util.ArrayList<>();
            List<String> expected = new java.util.ArrayList<>();
            java.util.Random random = new java.util.Random(7);
            for (int n = 0; n < 2000; n++) {
                String key = "pipe-" + random.nextInt(60); // some never written: misses that read null
                if (random.nextInt(3) == 0) {
                    String value = "new-" + n;
                    replies.add(pipeline.set(key, value));
                    expected.add("OK");
                    model.put(key, value);
                }
                else {
                    replies.add(pipeline.get(key));
                    expected.add(model.get(key));
                }
            }
            pipeline.sync();
            for (int n = 0; n < replies.size(); n++) {
                assertThat(replies.get(n).get()).as("reply " + n).isEqualTo(expected.get(n));
            }
            for (java.util.Map.Entry<String, String> entry : model.entrySet()) {
                assertThat(client.get(entry.getKey())).isEqualTo(entry.getValue());
                String direct = onA.get(entry.getKey());
                assertThat(direct != null ? direct : onB.get(entry.getKey())).isEqualTo(entry.getValue());
            }
        }
    }

    @Test
    void keysAreSpreadOverBothBackendsAndCountedTogether() {
        try (Jedis client = client(); Jedis onA = new Jedis("127.0.0.1", a.port());
             Jedis onB = new Jedis("127.0.0.1", b.port())) {
            for (int i = 0; i < 400; i++) {
                client.set("key-" + i, "v" + i);
            }
            assertThat(onA.dbSize()).isBetween(100L, 300L);
            assertThat(onB.dbSize()).isBetween(100L, 300L);
            assertThat(onA.dbSize() + onB.dbSize()).isEqualTo(400);
            assertThat(client.dbSize()).isEqualTo(400);
            for (int i = 0; i < 400; i++) {
                Jedis owner = ownerName("key-" + i).endsWith(":" + a.port()) ? onA : onB;
                assertThat(owner.get("key-" + i)).isEqualTo("v" + i);
            }
        }
    }

    @Test
    void multiKeyCommandsAreSplitAndMerged() {
        try (Jedis client = client()) {
            List<String> pairs = new ArrayList<>();
            List<String> keys = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                pairs.add("m-" + i);
                pairs.add("v" + i);
                keys.add("m-" + i);
            }
            assertThat(client.mset(pairs.toArray(new String[0]))).isEqualTo("OK");
            keys.add(5, "missing");
            List<String> values = client.mget(keys.toArray(new String[0]));
            for (int i = 0; i < keys.size(); i++) {
                String key = keys.get(i);
                assertThat(values.get(i)).isEqualTo(key.equals("missing") ? null : "v" + key.substring(2));
            }
            assertThat(client.exists(keys.toArray(new String[0]))).isEqualTo(20);
            assertThat(client.del("m-1", "m-2", "m-3", "missing")).isEqualTo(3);
            assertThat(client.get("m-2")).isNull();
        }
    }

    @Test
    void aKilledBackendFailsFastAndRecoversByItself() throws Exception {
        String onB = keyOwnedBy(b.port());
        String onA = keyOwnedBy(a.port());
        try (Jedis client = client()) {
            client.set(onA, "a");
            client.set(onB, "b");
            assertThat(client.get(onB)).isEqualTo("b");

            b.kill();
            Await.until("the proxy to notice", Duration.ofSeconds(5), () -> health().contains("\"DOWN\""));
            for (int i = 0; i < 5; i++) {
                long start = System.nanoTime();
                assertThatThrownBy(() -> client.get(onB)).isInstanceOf(JedisDataException.class)
                        .hasMessage("ERR backend 127.0.0.1:" + b.port() + " unavailable");
                assertThat(Duration.ofNanos(System.nanoTime() - start)).as("answered without waiting for the 2 s reply timeout")
                        .isLessThan(Duration.ofSeconds(2));
            }
            assertThat(client.get(onA)).as("the other backend keeps serving").isEqualTo("a");
            assertThat(health()).contains("127.0.0.1:" + b.port()).contains("\"DOWN\"");

            b.start(); // same port, empty (no persistence)
            Await.until("the backend to recover", Duration.ofSeconds(10), () -> {
                try {
                    return "OK".equals(client.set(onB, "back"));
                }
                catch (JedisDataException stillDown) {
                    return false;
                }
            });
            assertThat(client.get(onB)).isEqualTo("back");
            Await.until("health UP", Duration.ofSeconds(5), () -> !health().contains("\"DOWN\""));
        }
    }

    private String keyOwnedBy(int port) {
        for (int i = 0; ; i++) {
            if (ownerName("probe-" + i).endsWith(":" + port)) {
                return "probe-" + i;
            }
        }
    }

    private String ownerName(String key) {
        return proxy.bean(Backends.class).owner(key.getBytes()).name();
    }

    private String health() {
        return new Actuator(proxy.actuatorPort()).getAuthenticated("/actuator/health/backends").body();
    }

    private Jedis client() {
        return new Jedis("127.0.0.1", proxy.port());
    }
}
