package kv.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import kv.protocol.endpoint.RespServerConnectionFactory;
import kv.protocol.resp.Replies;
import kv.protocol.resp.RespValue;
import kv.server.store.ForwardingStore;
import kv.server.store.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.test.annotation.DirtiesContext;

/**
 * DUMP walks every key (KEYS and SCAN too; DBSIZE is a counter now). Here the walk is held (the
 * store's snapshot count waits for the test) to show that it runs off the event loop: other
 * clients are answered meanwhile, and the asking client's pipeline still gets its replies in
 * order, counted where DUMP stood in it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = "kv.server.port=0")
@DirtiesContext
class BackgroundCommandsTest extends RunningServerTest {

    /** While set, a snapshot's count waits until it is counted down. */
    static volatile CountDownLatch hold;
    /** The thread the last count ran on. */
    static volatile String countedOn;

    @TestConfiguration
    static class HeldCounts {
        @Bean
        static BeanPostProcessor holdCounts() {
            return WrappedStore.around(store -> new ForwardingStore(store) {
                @Override
                public Snapshot snapshot() {
                    return new HeldSnapshot(super.snapshot());
                }
            });
        }
    }

    /** A snapshot whose count waits for {@link #hold}, if set. */
    private static final class HeldSnapshot extends ForwardingSnapshot {

        HeldSnapshot(KeyValueStore.Snapshot snapshot) {
            super(snapshot);
        }

        @Override
        public long count(byte[] prefix, byte[] pattern) {
            countedOn = Thread.currentThread().getName();
            CountDownLatch latch = hold;
            if (latch != null) {
                try {
                    latch.await(10, TimeUnit.SECONDS);
                }
                catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return super.count(prefix, pattern);
        }
    }

    @Autowired
    RespServerConnectionFactory connectionFactory;

    @Autowired
    MeterRegistry meters;

    @AfterEach
    void release() {
        if (hold != null) {
            hold.countDown();
            hold = null;
        }
    }

    @Test
    void otherClientsAreServedWhileDumpCountsAndThePipelineKeepsItsOrder() throws IOException {
        int port = connectionFactory.getPort();
        try (RawConnection counter = new RawConnection(port); RawConnection other = new RawConnection(port)) {
            assertThat(counter.send("FLUSHDB\r\nSET a 1\r\n").read()).isEqualTo(Replies.OK);
            assertThat(counter.read()).isEqualTo(Replies.OK);
            CountDownLatch latch = new CountDownLatch(1);
            hold = latch;

            counter.send("SET b 2\r\nDUMP\r\nSET c 3\r\nGET c\r\n");
            assertThat(other.send("PING\r\n").read()).as("served while DUMP counts").isEqualTo(Replies.PONG);
            assertThat(other.send("SET d 4\r\n").read()).isEqualTo(Replies.OK);
            assertThat(other.send("GET a\r\n").read()).isEqualTo(Replies.bulk("1"));
            assertThat(counter.socket().getInputStream().available()).as("the counting client's replies wait").isZero();

            latch.countDown();
            assertThat(counter.read()).isEqualTo(Replies.OK);
            assertThat(counter.read()).as("a, and b from the same pipeline; not c, nor d written after")
                    .isEqualTo(new RespValue.Array(List.of(Replies.bulk("a"), Replies.bulk("1"), Replies.bulk("b"),
                            Replies.bulk("2"))));
            assertThat(counter.read()).isEqualTo(Replies.OK);
            assertThat(counter.read()).isEqualTo(Replies.bulk("3"));
            assertThat(counter.send("DBSIZE\r\n").read()).isEqualTo(Replies.integer(4));
        }
    }

    @Test
    void dumpCountsOffTheLoopThenStreamsItsPairs() throws IOException {
        int port = connectionFactory.getPort();
        try (RawConnection dumper = new RawConnection(port); RawConnection other = new RawConnection(port)) {
            assertThat(dumper.send("FLUSHDB\r\nSET k1 v1\r\n").read()).isEqualTo(Replies.OK);
            assertThat(dumper.read()).isEqualTo(Replies.OK);
            CountDownLatch latch = new CountDownLatch(1);
            hold = latch;

            dumper.send("DUMP\r\n");
            assertThat(other.send("SET k2 v2\r\n").read()).as("served while DUMP counts").isEqualTo(Replies.OK);

            latch.countDown();
            assertThat(dumper.read()).as("the snapshot of DUMP's place: k2 came after")
                    .isEqualTo(new RespValue.Array(List.of(Replies.bulk("k1"), Replies.bulk("v1"))));
        }
    }

    @Test
    void theCountRunsOnTheSpringManagedBackgroundPoolThatTheExecutorMetricsWatch() throws IOException {
        double completed = meters.get("executor.completed").tag("name", "kvBackground").functionCounter().count();
        try (RawConnection counter = new RawConnection(connectionFactory.getPort())) {
            CountDownLatch latch = new CountDownLatch(1);
            hold = latch;
            counter.send("DUMP\r\n");
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                    meters.get("executor.active").tag("name", "kvBackground").gauge().value()).isEqualTo(1));
            assertThat(countedOn).isEqualTo("kv-background-1");

            latch.countDown();
            assertThat(counter.read()).isInstanceOf(RespValue.Array.class);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                    meters.get("executor.completed").tag("name", "kvBackground").functionCounter().count())
                    .isEqualTo(completed + 1));
        }
    }
}
