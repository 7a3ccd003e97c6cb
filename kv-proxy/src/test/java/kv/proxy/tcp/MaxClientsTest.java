package kv.proxy.tcp;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import kv.proxy.testing.ProxyRunner;
import kv.proxy.testing.RedisServerProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** kv.proxy.max-clients, as Redis's maxclients: one client too many is told so and closed; the others go on. */
class MaxClientsTest {

    @TempDir
    Path work;

    @Test
    void aClientBeyondMaxClientsIsToldSoAndTheOthersKeepWorking() throws Exception {
        assumeTrue(RedisServerProcess.available(), "redis-server is not installed");
        try (RedisServerProcess redis = RedisServerProcess.start(work);
             ProxyRunner proxy = ProxyRunner.start(List.of(redis.port()), "kv.proxy.max-clients=2");
             Socket one = new Socket("127.0.0.1", proxy.port());
             Socket two = new Socket("127.0.0.1", proxy.port())) {
            assertThat(ping(one)).isEqualTo("+PONG\r\n");
            assertThat(ping(two)).isEqualTo("+PONG\r\n");
            try (Socket third = new Socket("127.0.0.1", proxy.port())) {
                third.setSoTimeout(5000);
                InputStream in = third.getInputStream();
                assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII))
                        .isEqualTo("-ERR max number of clients reached\r\n"); // then end of stream
            }
            assertThat(ping(one)).isEqualTo("+PONG\r\n");
            // Once one has gone, a new client fits again (its close reaches the proxy a moment later).
            one.close();
            Jedis admitted = null;
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (admitted == null && System.nanoTime() < deadline) {
                Jedis retry = new Jedis("127.0.0.1", proxy.port());
                try {
                    assertThat(retry.ping()).isEqualTo("PONG");
                    admitted = retry;
                }
                catch (RuntimeException refused) {
                    retry.close();
                    Thread.sleep(50);
                }
            }
            assertThat(admitted).as("a client admitted once one had gone").isNotNull();
            // Asked on the admitted connection: a new one could be refused while its retries' closes travel.
            try (Jedis jedis = admitted) {
                assertThat(jedis.info("clients")).contains("rejected_connections:");
                assertThat(jedis.configGet("maxclients")).containsEntry("maxclients", "2");
            }
        }
    }

    private static String ping(Socket socket) throws IOException {
        socket.setSoTimeout(5000);
        OutputStream out = socket.getOutputStream();
        out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return new String(socket.getInputStream().readNBytes(7), StandardCharsets.US_ASCII);
    }
}
