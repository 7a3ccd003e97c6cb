package kv.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import kv.protocol.endpoint.RespServerConnectionFactory;
import kv.protocol.resp.RespValue;
import kv.server.store.ForwardingStore;
import kv.server.store.KeyValueStore;
import kv.server.store.KeyValueStore.Snapshot;
import kv.server.testing.Pinger;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.test.annotation.DirtiesContext;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

/**
 * Issue 15's last DUMP gap: a reply over the 4 MB read before answering, whose later matches are
 * sparse (one key in 1,000 among {@code kv.dump.keys}, 100,000 by default), walked the
 * non-matching keys between them on the event loop as it streamed. Now every step of the walk
 * runs off the loops: the store's iterator records the threads it is read on, and none may be an
 * event loop's. Another client PINGs meanwhile; its figures are logged (p50, p99, max), only its
 * liveness asserted.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = "kv.server.port=0")
@DirtiesContext
class SparseDumpTest extends RunningServerTest {

    private static final Logger log = LoggerFactory.getLogger(SparseDumpTest.class);
    private static final int SPARSE_KEYS = Integer.getInteger("kv.dump.keys", 100_000);
    private static final int DENSE_KEYS = 90;
    private static final int DENSE_VALUE = 50 * 1024;
    private static final long LIVENESS_NANOS = 5_000_000_000L;

    /** The threads the snapshots' iterators were read on. */
    static final Set<String> readOn = ConcurrentHashMap.newKeySet();

    @TestConfiguration
    static class ThreadsRecorded {
        @Bean
        static BeanPostProcessor recordIteratorThreads() {
            return WrappedStore.around(store -> new ForwardingStore(store) {
                @Override
                public Snapshot snapshot() {
                    return new RecordingSnapshot(super.snapshot());
                }
            });
        }
    }

    /** A snapshot whose iterators record the threads they are read on. */
    private static final class RecordingSnapshot extends ForwardingSnapshot {

        RecordingSnapshot(Snapshot snapshot) {
            super(snapshot);
        }

        @Override
        public KeyValueStore.CloseableIterator<KeyValueStore.Entry> entries(byte[] prefix, byte[] pattern,
                                                                            byte[] from) {
            KeyValueStore.CloseableIterator<KeyValueStore.Entry> entries = super.entries(prefix, pattern, from);
            return new KeyValueStore.CloseableIterator<>() {
                @Override
                public boolean hasNext() {
                    readOn.add(Thread.currentThread().getName());
                    return entries.hasNext();
                }

                @Override
                public KeyValueStore.Entry next() {
                    readOn.add(Thread.currentThread().getName());
                    return entries.next();
                }

                @Override
                public void close() {
                    entries.close();
                }
            };
        }
    }

    @Autowired
    RespServerConnectionFactory connectionFactory;

    @Test
    void aBigDumpWithSparseMatchesWalksTheStoreOffTheEventLoopWhileAnotherClientIsServed() throws Exception {
        int port = connectionFactory.getPort();
        int sparseMatches = 0;
        try (Jedis writer = new Jedis("127.0.0.1", port, 60_000)) {
            writer.flushDB();
            Pipeline pipeline = writer.pipelined();
            String big = "x".repeat(DENSE_VALUE);
            for (int i = 0; i < DENSE_KEYS; i++) {
                pipeline.set(String.format("a:%03d:m", i), big); // first in key order: the 4 MB read ahead
            }
            for (int i = 0; i < SPARSE_KEYS; i++) {
                boolean match = i % 1000 == 0;
                sparseMatches += match ? 1 : 0;
                pipeline.set(String.format("b:%07d", i) + (match ? ":m" : ""), "v");
                if (i % 1000 == 999) {
                    pipeline.sync();
                }
            }
            pipeline.sync();
        }
        readOn.clear();
        Pinger pinger = Pinger.start(port);
        long dumpNanos;
        try (RawConnection dumper = new RawConnection(port)) {
            long start = System.nanoTime();
            RespValue dump = dumper.send("DUMP *:m\r\n").read();
            dumpNanos = System.nanoTime() - start;
            assertThat(((RespValue.Array) dump).elements()).hasSize(2 * (DENSE_KEYS + sparseMatches));
            assertThat(((RespValue.Array) dump).elements().get(2 * (DENSE_KEYS + sparseMatches) - 2))
                    .isEqualTo(RespValue.BulkString.of(String.format("b:%07d:m", (sparseMatches - 1) * 1000)));
        }
        catch (Exception | AssertionError e) {
            pinger.stop();
            throw e;
        }
        long[] sorted = pinger.stop();
        log.info("DUMP *:m over {} keys ({} matches, {} MB): {} ms, read on {}; {}", DENSE_KEYS + SPARSE_KEYS,
                DENSE_KEYS + sparseMatches, DENSE_KEYS * DENSE_VALUE / 1_000_000.0, dumpNanos / 1_000_000, readOn,
                Pinger.summary(sorted));
        assertThat(readOn).as("the threads the store was walked on").isNotEmpty()
                .noneMatch(thread -> thread.contains("-io-"));
        assertThat(sorted).as("the other client was served meanwhile").isNotEmpty();
        assertThat(sorted[sorted.length - 1]).as("no PING waited 5 s (liveness, not a timing)").isLessThan(LIVENESS_NANOS);
    }
}
