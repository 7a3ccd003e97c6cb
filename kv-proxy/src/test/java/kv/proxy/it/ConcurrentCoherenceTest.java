package kv.proxy.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import kv.proxy.testing.Await;
import kv.proxy.testing.ProxyRunner;
import kv.proxy.testing.RedisServerProcess;
import kv.server.testing.KvServerProcess;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.Jedis;

/**
 * Run in front of Redis and of kv-server: writers on both paths (through the proxy and directly on the server) and readers through the
 * proxy, at once, on a few hot keys. Two properties are checked:
 * <ul>
 * <li>no reader ever sees a value older than one it wrote itself: "older" in real time, the
 *     other value's write having been acknowledged before the reader's own write began;</li>
 * <li>once everyone stops, every key reads the same through the proxy and on the server.</li>
 * </ul>
 */
class ConcurrentCoherenceTest {

    private static final int KEYS = 16;

    @TempDir
    Path work;

    /** When each written value's write started and was acknowledged (nanoTime). */
    private record Written(long started, long acknowledged) {
    }

    private final Map<String, Written> writes = new ConcurrentHashMap<>();
    private final AtomicLong sequence = new AtomicLong();

    /** The backend under the proxy: Debian's redis-server or a kv-server process. */
    private record Server(int port, AutoCloseable process) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            process.close();
        }
    }

    private Server start(String backend) throws Exception {
        if (backend.startsWith("redis-server")) {
            assumeTrue(RedisServerProcess.available(), "redis-server is not installed");
            RedisServerProcess redis = RedisServerProcess.start(work);
            return new Server(redis.port(), redis);
        }
        KvServerProcess kv = KvServerProcess.start(work);
        return new Server(kv.port(), kv);
    }

    /**
     * With two event loops, clients are spread over both, and a pooled backend connection
     * registered with one loop carries requests sent from the other.
     */
    @ParameterizedTest(name = "in front of {0}")
    @ValueSource(strings = {"redis-server", "kv-server", "redis-server, kv-proxy on 2 event loops"})
    void readersNeverGoBackBeforeTheirOwnWritesAndAllKeysConverge(String backend) throws Exception {
        String loops = "kv.proxy.io-threads=" + (backend.endsWith("2 event loops") ? 2 : 1);
        try (Server redis = start(backend);
             ProxyRunner proxy = ProxyRunner.start(List.of(redis.port()), loops)) {
            proxy.awaitCoherent();
            AtomicBoolean running = new AtomicBoolean(true);
            ExecutorService threads = Executors.newCachedThreadPool();
            List<Future<long[]>> readers = new ArrayList<>();
            List<Future<?>> writers = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                writers.add(threads.submit(() -> write(new Jedis("127.0.0.1", redis.port()), "direct", running)));
                writers.add(threads.submit(() -> write(new Jedis("127.0.0.1", proxy.port()), "proxied", running)));
            }
            for (int i = 0; i < 4; i++) {
                readers.add(threads.submit(() -> readAndWrite(proxy.port(), running)));
            }
            Thread.sleep(3000);
            running.set(false);
            long reads = 0;
            long violations = 0;
            for (Future<long[]> reader : readers) {
                long[] result = reader.get(30, TimeUnit.SECONDS);
                reads += result[0];
                violations += result[1];
            }
            for (Future<?> writer : writers) {
                writer.get(30, TimeUnit.SECONDS);
            }
            threads.shutdown();
            System.out.printf("CONCURRENCY: %d reads by read-your-writes checkers, %d writes, %d violations,"
                    + " cache %s%n", reads, writes.size(), violations, proxy.cache().stats().hits() + " hits");
            assertThat(violations).isZero();

            try (Jedis direct = new Jedis("127.0.0.1", redis.port());
                 Jedis client = new Jedis("127.0.0.1", proxy.port())) {
                for (int k = 0; k < KEYS; k++) {
                    String key = "hot-" + k;
                    Await.until(key + " to converge", Duration.ofSeconds(2),
                            () -> java.util.Objects.equals(direct.get(key), client.get(key)));
                }
            }
        }
    }

    private Object write(Jedis jedis, String path, AtomicBoolean running) {
        try (jedis) {
            while (running.get()) {
                String key = "hot-" + ThreadLocalRandom.current().nextInt(KEYS);
                timedSet(jedis, key, path + "-" + sequence.incrementAndGet());
            }
        }
        return null;
    }

    /** Writes through the proxy, then reads the key back, and keeps reading others. */
    private long[] readAndWrite(int proxyPort, AtomicBoolean running) {
        long reads = 0;
        long violations = 0;
        Map<String, Written> mine = new java.util.HashMap<>();
        try (Jedis client = new Jedis("127.0.0.1", proxyPort)) {
            while (running.get()) {
                String key = "hot-" + ThreadLocalRandom.current().nextInt(KEYS);
                if (ThreadLocalRandom.current().nextInt(4) == 0) {
                    String value = "reader-" + sequence.incrementAndGet();
                    mine.put(key, timedSet(client, key, value));
                }
                String seen = client.get(key);
                reads++;
                Written own = mine.get(key);
                Written other = seen == null ? null : writes.get(seen);
                if (own != null && other != null && other.acknowledged() < own.started()) {
                    violations++;
                    System.out.println("VIOLATION on " + key + ": read " + seen + " acknowledged before own write began");
                }
            }
        }
        return new long[] {reads, violations};
    }

    private Written timedSet(Jedis jedis, String key, String value) {
        long started = System.nanoTime();
        // Recorded before the write so a reader can never see a value it cannot place in time.
        writes.put(value, new Written(started, Long.MAX_VALUE));
        jedis.set(key, value);
        Written written = new Written(started, System.nanoTime());
        writes.put(value, written);
        return written;
    }
}
