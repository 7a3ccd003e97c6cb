package kv.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

import kv.protocol.endpoint.RespServerConnectionFactory;
import kv.protocol.resp.RespValue;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import redis.clients.jedis.Jedis;

/**
 * A subscriber that never reads is closed once its unsent output reaches the pubsub output
 * buffer limit (here {@code 1mb 0 0}; Redis's default is {@code 32mb 8mb 60}), as Redis closes
 * it: the publisher is never held up, a subscriber that reads gets every message, and other
 * clients are served throughout.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {"kv.server.port=0", "kv.server.client-output-buffer-limit-pubsub=1mb 0 0"})
@DirtiesContext // its data directory goes with the class: no later class may reuse this context
class SlowSubscriberTest extends RunningServerTest {

    @Autowired
    RespServerConnectionFactory connectionFactory;

    @Test
    void aSubscriberThatNeverReadsIsClosedAtItsLimitWhileEveryoneElseIsServed() throws Exception {
        int port = connectionFactory.getPort();
        byte[] payload = new byte[64 * 1024];
        java.util.Arrays.fill(payload, (byte) 'x');
        Socket stalled = new Socket();
        stalled.setReceiveBufferSize(4096); // before connecting: a small window, so the server's output backs up
        stalled.connect(new InetSocketAddress("127.0.0.1", port));
        AtomicLong fastReceived = new AtomicLong();
        try (RawConnection slow = new RawConnection(stalled);
             RawConnection fast = new RawConnection(port);
             Jedis publisher = new Jedis("127.0.0.1", port, 10_000);
             Jedis other = new Jedis("127.0.0.1", port, 10_000)) {
            slow.send("SUBSCRIBE news\r\n");
            assertThat(slow.read()).isInstanceOf(RespValue.Array.class); // confirmed; from now on it reads nothing
            fast.send("SUBSCRIBE news\r\n");
            fast.read();
            Thread reader = new Thread(() -> {
                try {
                    while (fast.read() != null) {
                        fastReceived.incrementAndGet();
                    }
                }
                catch (IOException closed) {
                    // the test is over
                }
            });
            reader.start();

            long published = 0;
            long receivers = 2;
            // 2000 messages of 64 KB are 125 MB: far past the limit and the kernel's socket buffers.
            for (int i = 0; i < 2000 && receivers == 2; i++) {
                receivers = publisher.publish("news".getBytes(StandardCharsets.US_ASCII), payload);
                published++;
                if (i % 100 == 0) {
                    assertThat(other.set("k" + i, "v")).isEqualTo("OK"); // served while the subscriber backs up
                }
            }
            assertThat(receivers).as("receivers once the stalled subscriber was closed").isEqualTo(1);
            assertThat(published).as("messages it took").isLessThan(2000);

            assertThat(publisher.ping()).isEqualTo("PONG");
            assertThat(other.get("k0")).isEqualTo("v");
            assertThat(publisher.pubsubNumSub("news")).containsEntry("news", 1L);
            assertThat(closedByServer(stalled.getInputStream())).isTrue();

            // The subscriber that reads got every message, the last one published too.
            long expected = published;
            for (int i = 0; i < 1000 && fastReceived.get() < expected; i++) {
                Thread.sleep(10);
            }
            assertThat(fastReceived.get()).isEqualTo(expected);
        }
    }

    /** Reads (and drops) what the server sent until it closes; true if it did within the bound. */
    static boolean closedByServer(InputStream in) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        for (long read = 0; read < 64L * 1024 * 1024; ) {
            int n;
            try {
                n = in.read(buffer);
            }
            catch (java.net.SocketException reset) {
                return true; // closed with unsent data: a reset
            }
            if (n < 0) {
                return true;
            }
            read += n;
        }
        return false;
    }
}
