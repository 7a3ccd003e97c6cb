package kv.proxy.it;

import static org.assertj.core.api.Assertions.assertThat;

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
import redis.clients.jedis.Pipeline;

/**
 * One event loop serves every client of the proxy, so no client's wait on a backend may hold
 * up the others: here the backend holds GET replies while other clients are served.
 */
class SlowBackendTest {

    private final ExecutorService executor = Executors.newCachedThreadPool();
    private ScriptedBackend backend;
    private ProxyRunner proxy;

    @BeforeEach
    void start() throws Exception {
        backend = new ScriptedBackend();
        proxy = ProxyRunner.start(List.of(backend.port()), "kv.proxy.timeouts.reply=10s");
        proxy.awaitCoherent();
    }

    @AfterEach
    void stop() throws Exception {
        executor.shutdownNow();
        proxy.close();
        backend.close();
    }

    @Test
    void clientsAreServedWhileAnotherWaitsOnTheBackend() throws Exception {
        backend.set("hot", "v");
        backend.set("k", "slow");
        try (Jedis other = new Jedis("127.0.0.1", proxy.port())) {
            assertThat(other.get("hot")).isEqualTo("v"); // now cached
            backend.holdGets();

            // A pipeline that reads a key it has just written is not one forwarded run: it goes
            // through the dispatcher one request at a time, waiting on the backend.
            Future<List<Object>> slow = executor.submit(() -> {
                try (Jedis client = new Jedis("127.0.0.1", proxy.port(), 20_000)) {
                    Pipeline pipeline = client.pipelined();
                    pipeline.set("k", "slow");
                    pipeline.get("k");
                    return pipeline.syncAndReturnAll();
                }
            });
            assertThat(backend.awaitHeldGet(5000)).as("the pipeline's GET is held at the backend").isTrue();

            long start = System.nanoTime();
            assertThat(other.ping()).isEqualTo("PONG");
            assertThat(other.get("hot")).as("a cache hit").isEqualTo("v");
            assertThat(other.dbSize()).as("another command that waits on the backend").isGreaterThanOrEqualTo(0);
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertThat(millis).as("served while the backend holds the GETs (a liveness bound)").isLessThan(5_000);
            assertThat(slow.isDone()).isFalse();

            backend.releaseGets();
            assertThat(slow.get(10, TimeUnit.SECONDS)).containsExactly("OK", "slow");
        }
    }
}
