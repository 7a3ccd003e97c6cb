package kv.proxy.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import kv.proxy.testing.ProxyRunner;
import kv.proxy.testing.RedisServerProcess;
import kv.server.testing.KvServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.params.SetParams;

/**
 * A cached value never outlives its key's expiry. The backends' active expiry is switched off
 * (Redis's {@code DEBUG SET-ACTIVE-EXPIRE 0}, kv-server's {@code kv.server.expiry.active=false}),
 * so no invalidation comes when the key is due: the backend notices only when something reads
 * the key there, and the proxy's hits read nothing there. Only the proxy's own bound (PTTL read
 * with the GET) can withdraw the entry.
 */
class ExpiryThroughTheProxyTest {

    @TempDir
    static Path work;

    static RedisServerProcess redis;
    static KvServerProcess kvServer;
    static ProxyRunner redisProxy;
    static ProxyRunner kvProxy;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(RedisServerProcess.available(), "redis-server is not installed");
        redis = RedisServerProcess.start(work, List.of("--enable-debug-command", "yes"));
        try (Jedis direct = new Jedis("127.0.0.1", redis.port())) {
            assertThat(direct.sendCommand(() -> "DEBUG".getBytes(), "SET-ACTIVE-EXPIRE", "0")).isNotNull();
        }
        kvServer = KvServerProcess.start(work.resolve("kv"), "--kv.server.expiry.active=false");
        redisProxy = ProxyRunner.start(List.of(redis.port())).awaitCoherent();
        kvProxy = ProxyRunner.start(List.of(kvServer.port())).awaitCoherent();
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable closeable : new AutoCloseable[] {redisProxy, kvProxy, redis, kvServer}) {
            if (closeable != null) {
                closeable.close();
            }
        }
    }

    /** What one reader hammering a key across its expiry saw: when it sent each GET that read the value. */
    record Hammered(long[] valueReadsSent, long nullsAfter) {
    }

    @Test
    void inFrontOfRedisACachedKeyWithAOneSecondTtlIsNeverServedAfterItsExpiry() throws Exception {
        hammerAcrossTheExpiry("Redis", redisProxy, redis.port());
    }

    @Test
    void inFrontOfKvServerACachedKeyWithAOneSecondTtlIsNeverServedAfterItsExpiry() throws Exception {
        hammerAcrossTheExpiry("kv-server", kvProxy, kvServer.port());
    }

    /**
     * The bound after which no GET may read the value is taken from the backend's own clock:
     * the first {@code TIME} it answers past the key's {@code PEXPIRETIME}. The test's monotonic
     * clock and the backend's wall clock (the one expiry follows) do not run at the same rate
     * while the time daemon slews the wall clock (chrony slews up to 8%): judged against "a
     * second after the SET" on the monotonic clock, a value the backend itself still held, and
     * served rightly, once counted as late (CI, 2026-12-02). {@code TIME} reads no key, so the
     * backend still learns of the expiry only when something reads the key.
     */
    private static void hammerAcrossTheExpiry(String backend, ProxyRunner proxy, int backendPort) throws Exception {
        for (int db : new int[] {0, 2}) {
            String key = "expiring-" + db;
            try (Jedis direct = new Jedis("127.0.0.1", backendPort); Jedis clock = new Jedis("127.0.0.1", backendPort)) {
                direct.select(db);
                direct.set(key, "before");
                proxy.awaitInvalidationOf(() -> direct.del(key)); // no push of an earlier write left to come
                // The readers are connected and reading (nothing yet) before the SET, so that the
                // whole second of the TTL is theirs, however loaded the machine.
                AtomicLong bound = new AtomicLong(Long.MAX_VALUE);
                CountDownLatch reading = new CountDownLatch(2);
                List<Hammered> results = new ArrayList<>();
                List<Thread> readers = new ArrayList<>();
                for (boolean pipelined : new boolean[] {false, true}) {
                    Thread reader = new Thread(() -> results(results, hammer(proxy, db, key, bound, reading, pipelined)));
                    readers.add(reader);
                    reader.start();
                }
                assertThat(reading.await(30, TimeUnit.SECONDS)).isTrue();
                long hitsBefore = proxy.cache().stats().hits();
                long expiredBefore = proxy.cache().stats().expired();
                long setSent = System.nanoTime();
                direct.set(key, "soon-gone", SetParams.setParams().px(1000));
                long setAnswered = System.nanoTime();
                long expiresAtMillis = direct.pexpireTime(key); // on the backend's clock
                long expired = firstAnswerPast(clock, expiresAtMillis);
                bound.set(expired);
                for (Thread reader : readers) {
                    reader.join(TimeUnit.SECONDS.toMillis(30));
                }
                assertThat(results).hasSize(2);
                long values = results.stream().mapToLong(r -> r.valueReadsSent().length).sum();
                long[] late = results.stream().flatMapToLong(r -> java.util.Arrays.stream(r.valueReadsSent()))
                        .filter(sent -> sent > expired).map(sent -> (sent - expired) / 1000).toArray();
                long nulls = results.stream().mapToLong(Hammered::nullsAfter).sum();
                long hits = proxy.cache().stats().hits() - hitsBefore;
                long lastBeforeBound = results.stream().flatMapToLong(r -> java.util.Arrays.stream(r.valueReadsSent()))
                        .filter(sent -> sent <= expired).map(sent -> (expired - sent) / 1000).min().orElse(-1);
                System.out.printf("EXPIRY THROUGH THE PROXY (%s, db %d, PX 1000, active expiry off): %d reads of"
                                + " the value (%d cache hits), %d after the expiry: %d late; last value read %d us"
                                + " before the bound; SET took %d us; the backend's clock passed the expiry %d us"
                                + " after the SET was answered%n", backend, db, values, hits, nulls, late.length,
                        lastBeforeBound, (setAnswered - setSent) / 1000, (expired - setAnswered) / 1000);
                assertThat(late).as("values served after the key's expiry (us after the bound)").isEmpty();
                assertThat(values).as("the value was read before its expiry").isGreaterThan(100);
                assertThat(hits).as("and mostly from the cache").isGreaterThan(values / 2);
                assertThat(nulls).as("the expiry was read through").isGreaterThan(0);
                assertThat(proxy.cache().stats().expired() - expiredBefore)
                        .as("withdrawn by the proxy's own bound, not by an invalidation").isGreaterThan(0);
            }
        }
    }

    /**
     * The test clock's time (ns) at which the backend's {@code TIME} answered past
     * {@code expiresAtMillis} for the first time: by then the key has expired there, so any GET
     * sent later must not read its value. Asks about every half millisecond, for at most 30 s.
     */
    private static long firstAnswerPast(Jedis clock, long expiresAtMillis) throws InterruptedException {
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < giveUp) {
            List<String> time = clock.time(); // seconds, microseconds
            long answered = System.nanoTime();
            long millis = Long.parseLong(time.get(0)) * 1000 + Long.parseLong(time.get(1)) / 1000;
            if (millis > expiresAtMillis) {
                return answered;
            }
            Thread.sleep(0, 500_000);
        }
        throw new AssertionError("the backend's clock never passed " + expiresAtMillis);
    }

    private static synchronized void results(List<Hammered> results, Hammered hammered) {
        results.add(hammered);
    }

    /**
     * Reads {@code key} through the proxy as fast as it can, from before its SET until 0.4 s
     * after {@code bound} (set once the backend's clock has passed the key's expiry).
     */
    private static Hammered hammer(ProxyRunner proxy, int db, String key, AtomicLong bound, CountDownLatch reading,
                                   boolean pipelined) {
        List<Long> valueReadsSent = new ArrayList<>();
        long nulls = 0;
        try (Jedis client = new Jedis("127.0.0.1", proxy.port())) {
            client.select(db);
            client.get(key);
            reading.countDown();
            while (true) {
                long sent = System.nanoTime();
                long due = bound.get();
                if (due != Long.MAX_VALUE && sent > due + TimeUnit.MILLISECONDS.toNanos(400)) {
                    break;
                }
                List<String> read = new ArrayList<>();
                if (pipelined) {
                    Pipeline pipeline = client.pipelined();
                    List<Response<String>> replies = new ArrayList<>();
                    for (int i = 0; i < 8; i++) {
                        replies.add(pipeline.get(key));
                    }
                    pipeline.sync();
                    replies.forEach(reply -> read.add(reply.get()));
                }
                else {
                    read.add(client.get(key));
                }
                for (String value : read) {
                    if (value == null) {
                        nulls += sent > due ? 1 : 0; // before the SET, or after the expiry
                    }
                    else {
                        valueReadsSent.add(sent);
                    }
                }
            }
            return new Hammered(valueReadsSent.stream().mapToLong(Long::longValue).toArray(), nulls);
        }
    }
}
