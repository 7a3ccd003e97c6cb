package kv.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
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
 * A MONITOR that never reads is closed once the lines queued for it reach the pubsub class's
 * output buffer limit (here {@code 1mb 0 0}), so it never grows the server's memory; the client
 * whose commands it shows is never held up, and a monitor that reads sees every command.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {"kv.server.port=0", "kv.server.client-output-buffer-limit-pubsub=1mb 0 0"})
@DirtiesContext // its data directory goes with the class: no later class may reuse this context
class SlowMonitorTest extends RunningServerTest {

    @Autowired
    RespServerConnectionFactory connectionFactory;

    @Test
    void aMonitorThatNeverReadsIsClosedAtItsLimitWhileTheWriterIsServed() throws Exception {
        int port = connectionFactory.getPort();
        String value = "x".repeat(8 * 1024); // a line the test's decoder reads whole
        Socket stalled = new Socket();
        stalled.setReceiveBufferSize(4096); // a small window, so the server's output backs up
        stalled.connect(new InetSocketAddress("127.0.0.1", port));
        AtomicLong linesSeen = new AtomicLong();
        try (RawConnection slow = new RawConnection(stalled);
             RawConnection reading = new RawConnection(port);
             Jedis writer = new Jedis("127.0.0.1", port, 10_000)) {
            slow.send("MONITOR\r\n");
            assertThat(slow.read()).isEqualTo(new RespValue.SimpleString("OK")); // from now on it reads nothing
            reading.send("MONITOR\r\n");
            assertThat(reading.read()).isEqualTo(new RespValue.SimpleString("OK"));
            Thread reader = new Thread(() -> {
                try {
                    RespValue line;
                    while ((line = reading.read()) != null) {
                        if (line instanceof RespValue.SimpleString text && text.value().contains("\"SET\" \"k")) {
                            linesSeen.incrementAndGet();
                        }
                    }
                }
                catch (IOException closed) {
                    // the test is over
                }
            });
            reader.start();

            // 600 SETs of 8 KB are 4.8 MB of monitor lines: far past 1 MB and the kernel's buffers.
            int sets = 600;
            for (int i = 0; i < sets; i++) {
                assertThat(writer.set("k" + i, value)).isEqualTo("OK");
            }
            assertThat(SlowSubscriberTest.closedByServer(stalled.getInputStream())).as("the stalled monitor closed").isTrue();
            assertThat(writer.get("k0")).isEqualTo(value);
            for (int i = 0; i < 1000 && linesSeen.get() < sets; i++) {
                Thread.sleep(10);
            }
            assertThat(linesSeen.get()).as("lines the reading monitor saw").isEqualTo(sets);
            String list = writer.clientList();
            assertThat(list).as("the reading monitor, flag O").containsPattern("flags=O ");
            assertThat(list.lines().filter(line -> line.contains("flags=O")).count()).isEqualTo(1);
        }
    }

    @Test
    void aMonitorMayNotTouchTheKeyspaceButMayPingAndResetEndsIt() throws Exception {
        int port = connectionFactory.getPort();
        try (RawConnection monitor = new RawConnection(port)) {
            monitor.send("MONITOR\r\n");
            assertThat(monitor.read()).isEqualTo(new RespValue.SimpleString("OK"));
            monitor.send("GET k\r\n");
            assertThat(monitor.read()).isEqualTo(new RespValue.Error("ERR Replica can't interact with the keyspace"));
            monitor.send("RESET\r\n");
            // A refused command is not shown, and RESET's own line comes after it ended monitoring: none.
            assertThat(monitor.read()).isEqualTo(new RespValue.SimpleString("RESET"));
            monitor.send("SET after reset\r\n");
            assertThat(monitor.read()).isEqualTo(new RespValue.SimpleString("OK"));
        }
    }
}
