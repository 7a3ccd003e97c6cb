package kv.server;

import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import kv.protocol.endpoint.RespServerConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import redis.clients.jedis.Jedis;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kv.server.limits.client-output-buffer, Redis's client-output-buffer-limit normal (hard): a
 * client whose unsent replies pass it is closed, and the log says why; other clients are served.
 */
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {"kv.server.port=0", "kv.server.limits.client-output-buffer=2MB"})
class OutputBufferLimitTest extends RunningServerTest {

    @Autowired
    RespServerConnectionFactory factory;

    @Test
    void aClientWhoseRepliesPassTheLimitIsClosedAndTheOthersAreServed(CapturedOutput output) throws Exception {
        int port = factory.getPort();
        try (Jedis jedis = new Jedis("127.0.0.1", port)) {
            jedis.set("big", "x".repeat(3 * 1024 * 1024));
            jedis.set("fits", "y".repeat(1024 * 1024));
        }
        try (Socket reader = new Socket("127.0.0.1", port)) {
            reader.setSoTimeout(10_000);
            reader.getOutputStream().write("GET big\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = reader.getInputStream();
            assertThat(in.readAllBytes()).as("nothing of the reply, then end of stream").isEmpty();
        }
        assertThat(output.getAll()).contains("over the client output buffer limit of 2097152 bytes");
        try (Jedis jedis = new Jedis("127.0.0.1", port)) {
            assertThat(jedis.strlen("big")).isEqualTo(3L * 1024 * 1024);
            assertThat(jedis.get("fits")).hasSize(1024 * 1024); // a reply under the limit is sent
            assertThat(jedis.configGet("client-output-buffer-limit").get("client-output-buffer-limit"))
                    .startsWith("normal 2097152 0 0 ");
        }
    }
}
