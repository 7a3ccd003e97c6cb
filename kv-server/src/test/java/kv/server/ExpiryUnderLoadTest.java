package kv.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import kv.protocol.endpoint.RespServerConnectionFactory;
import kv.server.store.KeyValueStore;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.params.SetParams;

/**
 * Many keys given the same 1 s TTL expire while another client PINGs: the PINGs keep being
 * answered (the cycle deletes in slices, off the event loop), every key goes, and the space
 * they took is reclaimed. 100,000 keys in the suite; {@code -Dkv.expiry.load.keys=1000000} for
 * the full run. The PING latencies are logged (p50, p99, max), never asserted: the assertion
 * is only a generous liveness bound.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = "kv.server.port=0")
@DirtiesContext // its data directory goes with the class: no later class may reuse this context
class ExpiryUnderLoadTest extends RunningServerTest {

    private static final Logger log = LoggerFactory.getLogger(ExpiryUnderLoadTest.class);
    private static final int KEYS = Integer.getInteger("kv.expiry.load.keys", 100_000);

    @Autowired
    RespServerConnectionFactory connectionFactory;

    @Autowired
    KeyValueStore store;

    @Test
    void keysGivenTheSameTtlAllExpireWhileAnotherClientIsServed() throws Exception {
        int port = connectionFactory.getPort();
        AtomicBoolean pinging = new AtomicBoolean(true);
        long[] latencies = new long[4_000_000];
        int[] count = {0};
        long started = System.nanoTime();
        long writtenAt;
        long emptyAt;
        long bytesWritten;
        long peakBytes = 0; // the keys begin to expire while later ones are written: the peak is the baseline
        CompletableFuture<Void> pinger;
        try (Jedis writer = new Jedis("127.0.0.1", port, 60_000); Jedis checker = new Jedis("127.0.0.1", port, 60_000)) {
            Pipeline pipeline = writer.pipelined();
            SetParams oneSecond = SetParams.setParams().px(1000);
            for (int i = 0; i < KEYS; i++) {
                pipeline.set("expiring:" + i, "value-of-some-thirty-two-bytes:" + i, oneSecond);
                if (i % 1000 == 999) {
                    pipeline.sync();
                    peakBytes = Math.max(peakBytes, store.storedBytes());
                }
            }
            pipeline.sync();
            writtenAt = System.nanoTime();
            bytesWritten = Math.max(peakBytes, store.storedBytes());
            pinger = CompletableFuture.runAsync(() -> {
                try (Jedis jedis = new Jedis("127.0.0.1", port, 60_000)) {
                    while (pinging.get() && count[0] < latencies.length) {
                        long start = System.nanoTime();
                        jedis.ping();
                        latencies[count[0]++] = System.nanoTime() - start;
                    }
                }
            });
            long deadline = System.nanoTime() + 120_000_000_000L;
            while (checker.dbSize() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            emptyAt = System.nanoTime();
            pinging.set(false);
            pinger.get();
            assertThat(checker.dbSize()).as("every key expired").isZero();
        }
        long[] sorted = Arrays.copyOf(latencies, count[0]);
        Arrays.sort(sorted);
        assertThat(sorted).as("the other client was served during the expiry").isNotEmpty();
        assertThat(sorted[sorted.length - 1]).as("no PING waited 5 s (liveness, not a timing)")
                .isLessThan(5_000_000_000L);
        long bytesAfter = bytesWritten;
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            bytesAfter = store.storedBytes();
            if (bytesAfter < bytesWritten / 2) {
                break;
            }
            Thread.sleep(100);
        }
        log.info("Expiry under load: {} keys written in {} ms, all expired {} ms after the last write; "
                        + "{} PINGs meanwhile: p50 {} us, p99 {} us, p99.9 {} us, max {} us; "
                        + "stored bytes {} at the peak of the writes, {} after the expiry",
                KEYS, (writtenAt - started) / 1_000_000, (emptyAt - writtenAt) / 1_000_000, sorted.length,
                sorted[sorted.length / 2] / 1000, sorted[(int) (sorted.length * 0.99)] / 1000,
                sorted[(int) (sorted.length * 0.999)] / 1000, sorted[sorted.length - 1] / 1000, bytesWritten, bytesAfter);
        assertThat(bytesAfter).as("the expired keys' space was reclaimed").isLessThan(bytesWritten / 2);
    }
}
