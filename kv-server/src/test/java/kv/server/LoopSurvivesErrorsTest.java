package kv.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;

import kv.protocol.endpoint.RespServerConnectionFactory;
import kv.protocol.resp.Replies;
import kv.protocol.resp.RespValue;
import kv.server.store.ForwardingStore;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.test.annotation.DirtiesContext;

/**
 * An {@link Error} (not an exception) thrown while the event loop serves a client, here from the
 * store as a write is applied or a key is read: the loop thread must not die with it, which would
 * leave every client it serves unanswered for good, and the write that failed is not acknowledged.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = "kv.server.port=0")
@DirtiesContext
class LoopSurvivesErrorsTest extends RunningServerTest {

    /** The store throws this from a write or a read of a key named {@code boom...}. */
    static final class InjectedError extends Error {
        InjectedError() {
            super("injected by the test");
        }
    }

    @TestConfiguration
    static class FailingStore {
        @Bean
        static BeanPostProcessor failOnBoomKeys() {
            return WrappedStore.around(store -> new ForwardingStore(store) {
                @Override
                public void put(Entry entry) {
                    failIfBoom(entry.key());
                    super.put(entry);
                }

                @Override
                public void putAll(List<Entry> entries) {
                    entries.forEach(entry -> failIfBoom(entry.key()));
                    super.putAll(entries);
                }

                @Override
                public Entry get(byte[] key) {
                    failIfBoom(key);
                    return super.get(key);
                }
            });
        }

        private static void failIfBoom(byte[] key) {
            if (new String(key, 1, key.length - 1).startsWith("boom")) { // after the database byte
                throw new InjectedError();
            }
        }
    }

    @Autowired
    RespServerConnectionFactory connectionFactory;

    @Test
    void aWriteThatFailsWithAnErrorIsNotAcknowledgedAndOtherClientsAreStillServed() throws IOException {
        int port = connectionFactory.getPort();
        try (RawConnection writer = new RawConnection(port); RawConnection other = new RawConnection(port)) {
            writer.send("SET boom 1\r\n");
            assertThat(writer.read()).as("no +OK for a write that failed").isNull();

            assertThat(other.send("PING\r\n").read()).isEqualTo(Replies.PONG);
            assertThat(other.send("SET fine 1\r\n").read()).isEqualTo(Replies.OK);
            assertThat(other.send("GET fine\r\n").read()).isEqualTo(Replies.bulk("1"));
        }
    }

    @Test
    void aCommandThatFailsWithAnErrorClosesOnlyItsOwnConnection() throws IOException {
        int port = connectionFactory.getPort();
        try (RawConnection reader = new RawConnection(port); RawConnection other = new RawConnection(port)) {
            reader.send("GET boom\r\n");
            assertThat(reader.read()).as("closed, not left waiting for a reply").isNull();

            assertThat(other.send("PING\r\n").read()).isEqualTo(Replies.PONG);
        }
    }
}
