package kv.proxy.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import kv.proxy.cache.CacheStats;
import kv.proxy.testing.ProxyRunner;
import kv.proxy.testing.RedisServerProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

/**
 * The hit ratio on a skewed read workload: 5,000 keys of 200 bytes read with Zipf(0.99)
 * popularity, through a cache bounded to about a tenth of them. Reported, and checked against a
 * loose floor (W-TinyLFU should keep the popular head).
 */
class ZipfHitRatioTest {

    private static final int KEYS = 5_000;
    private static final int READS = 40_000;
    private static final long MAX_BYTES = 150 * 1024;

    @TempDir
    Path work;

    @Test
    void aBoundedCacheKeepsThePopularKeysOfAZipfWorkload() throws Exception {
        assumeTrue(RedisServerProcess.available(), "redis-server is not installed");
        try (RedisServerProcess redis = RedisServerProcess.start(work);
             ProxyRunner proxy = ProxyRunner.start(List.of(redis.port()), "--kv.proxy.cache.max-bytes=" + MAX_BYTES);
             Jedis direct = new Jedis("127.0.0.1", redis.port());
             Jedis client = new Jedis("127.0.0.1", proxy.port())) {
            proxy.awaitCoherent();
            String value = "x".repeat(200);
            Pipeline load = direct.pipelined();
            for (int i = 0; i < KEYS; i++) {
                load.set("zipf:" + i, value);
            }
            load.sync();

            double[] cdf = zipfCdf(KEYS, 0.99);
            Random random = new Random(42);
            Pipeline reads = client.pipelined();
            for (int i = 0; i < READS; i++) {
                reads.get("zipf:" + sample(cdf, random));
                if (i % 100 == 99) {
                    reads.sync();
                }
            }
            reads.sync();

            CacheStats stats = proxy.cache().stats();
            double ratio = stats.hitRatio();
            System.out.printf("ZIPF HIT RATIO: %.3f (%d hits, %d misses; %d keys, s=0.99, %d reads; cache %d of %d"
                            + " bytes, %d entries, %d evictions)%n", ratio, stats.hits(), stats.misses(), KEYS, READS,
                    proxy.cache().weightedBytes(), MAX_BYTES, proxy.cache().entries(), stats.evictions());
            assertThat(proxy.cache().weightedBytes()).isLessThanOrEqualTo(MAX_BYTES);
            assertThat(stats.evictions()).isPositive();
            assertThat(ratio).isGreaterThan(0.5);
        }
    }

    private static double[] zipfCdf(int n, double s) {
        double[] cdf = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += 1 / Math.pow(i + 1, s);
            cdf[i] = sum;
        }
        for (int i = 0; i < n; i++) {
            cdf[i] /= sum;
        }
        return cdf;
    }

    private static int sample(double[] cdf, Random random) {
        int at = Arrays.binarySearch(cdf, random.nextDouble());
        return Math.min(at < 0 ? -at - 1 : at, cdf.length - 1);
    }
}
