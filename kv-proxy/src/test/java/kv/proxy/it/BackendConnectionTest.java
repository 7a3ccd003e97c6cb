package kv.proxy.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import kv.proxy.testing.ProxyRunner;
import kv.proxy.testing.ScriptedBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * The proxy's connections to a backend are driven by its event loop, which also reads their
 * replies: the loop must never wait for a pooled connection (only a reply it reads itself could
 * free one), and a connection the backend drops must fail its request at once.
 */
class BackendConnectionTest {

    private final ExecutorService executor = Executors.newCachedThreadPool();
    private ScriptedBackend backend;
    private ProxyRunner proxy;

    @BeforeEach
    void start() throws Exception {
        backend = new ScriptedBackend();
        proxy = ProxyRunner.start(List.of(backend.port()), "kv.proxy.pool-size=1", "kv.proxy.timeouts.reply=10s");
        proxy.awaitCoherent();
    }

    @AfterEach
    void stop() throws Exception {
        executor.shutdownNow();
        proxy.close();
        backend.close();
    }

    @Test
    void requestsBeyondThePoolWaitWithoutBlockingTheLoopAndLeaveTogether() throws Exception {
        for (String key : List.of("a", "b", "c", "d")) {
            backend.set(key, "value-" + key);
        }
        backend.holdGets();
        Future<String> first = executor.submit(() -> get("a"));
        assertThat(backend.awaitHeldGet(5000)).as("the first GET is in flight, held").isTrue();

        List<Future<String>> queued = new ArrayList<>();
        for (String key : List.of("b", "c", "d")) {
            queued.add(executor.submit(() -> get(key)));
        }
        try (Jedis other = new Jedis("127.0.0.1", proxy.port())) {
            assertThat(other.ping()).as("the loop serves clients while GETs wait for the pool").isEqualTo("PONG");
        }
        Thread.sleep(300); // room for a GET to reach the backend if the pool's one request in flight were exceeded
        assertThat(backend.gets()).as("pool-size=1: one request in flight").isEqualTo(1);

        backend.releaseGets();
        assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo("value-a");
        for (int i = 0; i < queued.size(); i++) {
            assertThat(queued.get(i).get(5, TimeUnit.SECONDS)).isEqualTo("value-" + "bcd".charAt(i));
        }
        assertThat(backend.gets()).isEqualTo(4);
        assertThat(backend.connections()).as("the invalidation stream, plus pool-size + 1 data connections at most")
                .isLessThanOrEqualTo(3);
    }

    @Test
    void aBackendThatHangsUpMidRequestIsAnErrorAtOnceNotAfterTheReplyTimeout() throws Exception {
        backend.set("k", "v");
        backend.dropGets();
        try (Jedis client = new Jedis("127.0.0.1", proxy.port(), 5_000)) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> client.get("k")).isInstanceOf(JedisDataException.class)
                    .hasMessageContaining("unavailable");
            assertThat((System.nanoTime() - start) / 1_000_000).as("the reply timeout is 10 s").isLessThan(3_000);
        }
    }

    private String get(String key) {
        try (Jedis client = new Jedis("127.0.0.1", proxy.port(), 15_000)) {
            return client.get(key);
        }
    }
}
