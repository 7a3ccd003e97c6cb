package kv.proxy.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

import kv.protocol.resp.RespValue;
import kv.proxy.testing.ProxyOverRedis;
import kv.proxy.testing.ProxyRunner;
import kv.proxy.testing.RedisServerProcess;
import kv.proxy.testing.RespClient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

/**
 * A subscriber through the proxy that stops reading is closed by the soft limit of
 * {@code kv.proxy.limits.client-output-buffer-pubsub} (Redis's {@code client-output-buffer-limit
 * pubsub}): here {@code 0 256kb 1}, no hard limit at all, so only staying over 256 KB of unsent
 * messages for a second can close it. A subscriber that reads gets every message, and other
 * clients are served throughout.
 */
class SlowSubscriberThroughTheProxyTest {

    @RegisterExtension
    static final ProxyOverRedis setup = ProxyOverRedis.backends(1, "kv.proxy.limits.client-output-buffer-pubsub=0 256kb 1");

    static RedisServerProcess redis;
    static ProxyRunner proxy;

    @BeforeAll
    static void names() {
        redis = setup.redis(0);
        proxy = setup.proxy();
    }

    @Test
    void aSubscriberThatStaysOverTheSoftLimitIsClosedWhileEveryoneElseIsServed() throws Exception {
        byte[] payload = new byte[64 * 1024];
        java.util.Arrays.fill(payload, (byte) 'x');
        Socket stalled = new Socket();
        stalled.setReceiveBufferSize(4096); // before connecting: a small window, so the proxy's output backs up
        stalled.connect(new InetSocketAddress("127.0.0.1", proxy.port()));
        AtomicLong fastReceived = new AtomicLong();
        try (stalled;
             RespClient fast = new RespClient(proxy.port());
             Jedis publisher = new Jedis("127.0.0.1", proxy.port(), 10_000);
             Jedis other = new Jedis("127.0.0.1", proxy.port(), 10_000)) {
            subscribe(stalled, "news"); // from now on it reads nothing
            assertThat(fast.call("SUBSCRIBE", "news")).isInstanceOf(RespValue.Array.class);
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
            reader.setDaemon(true);
            reader.start();

            long published = 0;
            long receivers = 2;
            // One 64 KB message every 10 ms: the stalled client's unsent output passes 256 KB once the
            // kernel's buffers are full, and stays over it; at most 3000 messages (30 s, 190 MB).
            for (int i = 0; i < 3000 && receivers == 2; i++) {
                receivers = publisher.publish("news".getBytes(StandardCharsets.US_ASCII), payload);
                published++;
                if (i % 100 == 0) {
                    assertThat(other.set("k" + i, "v")).isEqualTo("OK"); // served while the subscriber backs up
                }
                Thread.sleep(10);
            }
            assertThat(receivers).as("receivers once the stalled subscriber was closed").isEqualTo(1);
            assertThat(published).as("messages it took").isLessThan(3000);

            assertThat(publisher.ping()).isEqualTo("PONG");
            assertThat(other.get("k0")).isEqualTo("v");
            assertThat(publisher.pubsubNumSub("news")).containsEntry("news", 1L);
            assertThat(closedByProxy(stalled.getInputStream())).isTrue();

            // The subscriber that reads got every message, the last one published too.
            for (int i = 0; i < 1000 && fastReceived.get() < published; i++) {
                Thread.sleep(10);
            }
            assertThat(fastReceived.get()).isEqualTo(published);
        }
    }

    /** SUBSCRIBE on a raw socket, reading the confirmation (a few bytes) and nothing more. */
    private static void subscribe(Socket socket, String channel) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(("SUBSCRIBE " + channel + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String confirmation = "*3\r\n$9\r\nsubscribe\r\n$" + channel.length() + "\r\n" + channel + "\r\n:1\r\n";
        byte[] expected = confirmation.getBytes(StandardCharsets.US_ASCII);
        byte[] read = socket.getInputStream().readNBytes(expected.length);
        assertThat(new String(read, StandardCharsets.US_ASCII)).isEqualTo(confirmation);
    }

    /** Reads (and drops) what the proxy sent until it closes; true if it did within the bound. */
    private static boolean closedByProxy(InputStream in) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        for (long read = 0; read < 256L * 1024 * 1024; ) {
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
