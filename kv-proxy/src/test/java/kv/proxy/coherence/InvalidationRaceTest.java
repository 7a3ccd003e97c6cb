package kv.proxy.coherence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import com.github.benmanes.caffeine.cache.AsyncCache;
import kv.protocol.ByteKey;
import kv.proxy.testing.Await;
import kv.proxy.testing.ProxyRunner;
import kv.proxy.testing.ScriptedBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * The races of Redis's client-side caching documentation, made to happen on every run: a GET's
 * reply is held at the backend while the key is invalidated, or while the invalidation stream
 * breaks, and only then released.
 */
class InvalidationRaceTest {

    private final ExecutorService executor = Executors.newCachedThreadPool();
    private ScriptedBackend backend;
    private ProxyRunner proxy;

    @BeforeEach
    void start() throws Exception {
        backend = new ScriptedBackend();
        proxy = ProxyRunner.start(List.of(backend.port()));
        Await.until("the proxy to subscribe", Duration.ofSeconds(10), () -> backend.subscriptions() >= 1);
        proxy.awaitCoherent();
    }

    @AfterEach
    void stop() throws Exception {
        executor.shutdownNow();
        proxy.close();
        backend.close();
    }

    @Test
    void aRepeatedGetIsAnsweredFromTheCache() {
        backend.set("k", "v1");
        try (Jedis client = new Jedis("127.0.0.1", proxy.port())) {
            assertThat(client.get("k")).isEqualTo("v1");
            assertThat(client.get("k")).isEqualTo("v1");
        }
        assertThat(backend.gets()).isEqualTo(1);
    }

    @Test
    void anAbsentKeyIsReadThroughAndNotKeptInTheCache() {
        try (Jedis client = new Jedis("127.0.0.1", proxy.port())) {
            assertThat(client.get("nothing")).isNull();
            assertThat(client.get("nothing")).isNull();
        }
        assertThat(backend.gets()).isEqualTo(2);
        assertThat(proxy.cache().entries()).isZero();
    }

    @Test
    void aBackendThatHoldsItsReplyIsAnsweredWithAnErrorWithinTheReplyTimeout() throws Exception {
        backend.set("k", "v1");
        backend.holdGets();
        long start = System.nanoTime();
        try (Jedis client = new Jedis("127.0.0.1", proxy.port(), 10_000)) {
            assertThatThrownBy(() -> client.get("k")).hasMessageContaining("unavailable");
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertThat(millis).as("the reply timeout is 1 s").isBetween(900L, 5_000L);
        backend.releaseGets();
    }

    @Test
    void aReplyThatCrossesAnInvalidationIsNotCached() throws Exception {
        backend.set("k", "v1");
        backend.holdGets();
        Future<String> first = executor.submit(() -> get("k"));
        assertThat(backend.awaitHeldGet(5000)).as("the GET reached the backend").isTrue();

        // The backend has read v1; now a write changes the key and its invalidation overtakes the reply.
        backend.set("k", "v2");
        backend.pushInvalidation("k");
        Await.until("the invalidation to be applied", Duration.ofSeconds(5),
                () -> proxy.cache().stats().pushInvalidations() >= 1);
        backend.releaseGets();

        assertThat(first.get(5, TimeUnit.SECONDS)).as("a read that began before the write").isEqualTo("v1");
        assertThat(get("k")).as("the raced reply was not cached").isEqualTo("v2");
        assertThat(backend.gets()).isEqualTo(2);
        assertThat(get("k")).as("the fresh reply was cached").isEqualTo("v2");
        assertThat(backend.gets()).isEqualTo(2);
    }

    @Test
    void aReplyFetchedWhileTheInvalidationStreamBrokeIsNotServed() throws Exception {
        backend.set("k", "v1");
        backend.holdGets();
        Future<String> first = executor.submit(() -> get("k"));
        assertThat(backend.awaitHeldGet(5000)).isTrue();

        // The write's invalidation is lost with the stream; the proxy must not trust what it fetched.
        backend.set("k", "v2");
        backend.dropTrackingConnections();
        Await.until("the proxy to subscribe again", Duration.ofSeconds(10), () -> backend.subscriptions() >= 2);
        backend.releaseGets();

        assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo("v1");
        assertThat(get("k")).isEqualTo("v2");
        assertThat(backend.gets()).isEqualTo(2);
    }

    /**
     * The anomaly of the 20-kill Jepsen-style run (key p36:1): the backend has applied a write
     * sent through the proxy, a reader straight to the backend has seen it, and the write's reply
     * has not come back yet. A GET through the proxy must not answer the value it replaced.
     */
    @Test
    void aGetWhileASetOfItsKeyIsInFlightIsReadThroughNotAnsweredFromTheCache() throws Exception {
        assertStaleValueNotServedWhileInFlight("k", "v1", "v2", client -> client.set("k", "v2"), "OK");
    }

    @Test
    void aGetWhileAnIncrOfItsKeyIsInFlightIsReadThroughNotAnsweredFromTheCache() throws Exception {
        assertStaleValueNotServedWhileInFlight("n", "415", "416", client -> client.incr("n"), 416L);
    }

    private void assertStaleValueNotServedWhileInFlight(String key, String before, String after,
                                                         Function<Jedis, Object> write,
                                                         Object acknowledgement) throws Exception {
        backend.set(key, before);
        assertThat(get(key)).isEqualTo(before);
        assertThat(get(key)).as("cached").isEqualTo(before);
        assertThat(backend.gets()).isEqualTo(1);

        backend.holdWrites();
        Future<Object> writing = executor.submit(() -> {
            try (Jedis writer = new Jedis("127.0.0.1", proxy.port(), 10_000)) {
                return write.apply(writer);
            }
        });
        assertThat(backend.awaitHeldWrite(5000)).as("the write reached the backend and was applied").isTrue();

        assertThat(get(key)).as("read through while the write is in flight").isEqualTo(after);
        assertThat(backend.gets()).isEqualTo(2);
        assertThat(get(key)).as("not cached while the write is in flight").isEqualTo(after);
        assertThat(backend.gets()).isEqualTo(3);

        backend.releaseWrites();
        assertThat(writing.get(5, TimeUnit.SECONDS)).isEqualTo(acknowledgement);
        assertThat(get(key)).isEqualTo(after);
        assertThat(get(key)).as("cached again once the write is answered").isEqualTo(after);
        assertThat(backend.gets()).isEqualTo(4);
    }

    @Test
    void concurrentMissesOnOneKeyCostOneBackendRequest() throws Exception {
        backend.set("k", "v1");
        assertThat(readTogether("k", 8)).containsOnly("v1").hasSize(8);
        assertThat(backend.gets()).isEqualTo(1);
    }

    @Test
    void concurrentMissesOnAnAbsentKeyAllGetNilFromOneRequestAndLeaveNothingCached() throws Exception {
        assertThat(readTogether("nothing", 8)).containsOnlyNulls().hasSize(8);
        assertThat(backend.gets()).isEqualTo(1);
        assertThat(proxy.cache().entries()).isZero();
        // One miss fetched; the seven that waited on it count as hits, as they would for a value.
        assertThat(proxy.cache().stats().misses()).isEqualTo(1);
        assertThat(proxy.cache().stats().hits()).isEqualTo(7);
    }

    @Test
    void aReadWaitingOnAnAbsentKeysFetchThatCrossedAStreamBreakReadsAgain() throws Exception {
        backend.holdGets();
        Future<String> fetching = executor.submit(() -> get("k"));
        assertThat(backend.awaitHeldGet(5000)).isTrue();
        CompletableFuture<?> fetch = inFlight("k");
        int before = fetch.getNumberOfDependents();
        Future<String> waiting = executor.submit(() -> get("k"));
        Await.until("the second read to wait on the first one's fetch", Duration.ofSeconds(10),
                () -> fetch.getNumberOfDependents() > before);

        // The key is written and its invalidation lost with the stream: "absent" may be stale.
        backend.set("k", "v2");
        backend.dropTrackingConnections();
        Await.until("the proxy to subscribe again", Duration.ofSeconds(10), () -> backend.subscriptions() >= 2);
        backend.releaseGets();

        assertThat(fetching.get(5, TimeUnit.SECONDS)).isNull(); // its own GET, sent before the write
        assertThat(waiting.get(5, TimeUnit.SECONDS)).isEqualTo("v2");
        assertThat(backend.gets()).isEqualTo(2);
    }

    /**
     * {@code readers} clients GET {@code key}: the first one's fetch is held at the backend, the
     * others arrive while it is in flight and wait on it; their answers once it is released.
     */
    private List<String> readTogether(String key, int readers) throws Exception {
        backend.holdGets();
        List<Future<String>> reads = new ArrayList<>();
        reads.add(executor.submit(() -> get(key)));
        assertThat(backend.awaitHeldGet(5000)).isTrue();
        CompletableFuture<?> fetch = inFlight(key);
        int before = fetch.getNumberOfDependents();
        for (int i = 1; i < readers; i++) {
            reads.add(executor.submit(() -> get(key)));
        }
        Await.until((readers - 1) + " reads to wait on the fetch in flight", Duration.ofSeconds(10),
                () -> fetch.getNumberOfDependents() >= before + readers - 1);
        backend.releaseGets();
        List<String> answers = new ArrayList<>();
        for (Future<String> read : reads) {
            answers.add(read.get(5, TimeUnit.SECONDS));
        }
        return answers;
    }

    /**
     * The placeholder the cache holds for {@code key} while its fetch is in flight. A GET that
     * finds it waits on it, and so adds one to its {@link CompletableFuture#getNumberOfDependents
     * dependents}: what the tests watch instead of sleeping while the others arrive.
     */
    @SuppressWarnings("unchecked")
    private CompletableFuture<?> inFlight(String key) {
        AsyncCache<Object, Object> cache = proxy.bean(AsyncCache.class);
        Object placeholder = cache.getIfPresent(new ByteKey(key.getBytes(StandardCharsets.UTF_8)));
        assertThat(placeholder).as("the cache's placeholder for " + key).isInstanceOf(CompletableFuture.class);
        CompletableFuture<?> fetch = (CompletableFuture<?>) placeholder;
        assertThat(fetch).as("the fetch of " + key + " is in flight").isNotDone();
        return fetch;
    }

    private String get(String key) {
        try (Jedis client = new Jedis("127.0.0.1", proxy.port())) {
            return client.get(key);
        }
    }
}
