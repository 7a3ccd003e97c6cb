package kv.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import kv.protocol.endpoint.RespServerConnectionFactory;
import kv.server.testing.RedisServerProcess;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;

/**
 * redis-py's pub/sub as Debian ships it ({@code python3-redis}, run by {@code /usr/bin/python3}):
 * {@code get_message}, patterns, PUBSUB, {@code run_in_thread} with a handler, and keyspace
 * notifications that the application turns on with CONFIG SET, the same script against
 * redis-server (the control) and kv-server.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {"kv.server.port=0", "kv.server.expiry.interval=20ms"})
@DirtiesContext // its data directory goes with the class: no later class may reuse this context
class RedisPyPubSubTest extends RunningServerTest {

    private static final Path PYTHON = Path.of("/usr/bin/python3");

    @Autowired
    RespServerConnectionFactory connectionFactory;

    @Test
    void redisPyPubSubWorksAgainstRedisAndKv() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(PYTHON), "Debian's python3 is not installed");
        try (RedisServerProcess redis = RedisServerProcess.start()) {
            assertThat(run(redis.port())).as("against redis-server (the control)").isEqualTo("ok");
        }
        assertThat(run(connectionFactory.getPort())).as("against kv-server").isEqualTo("ok");
    }

    private static String run(int port) throws IOException, InterruptedException, URISyntaxException {
        Path script = Path.of(RedisPyPubSubTest.class.getResource("/kv/server/redis_py_pubsub.py").toURI());
        Process process = new ProcessBuilder(PYTHON.toString(), script.toString(), Integer.toString(port))
                .redirectErrorStream(true).start();
        boolean finished = process.waitFor(60, TimeUnit.SECONDS);
        if (!finished) {
            process.destroyForcibly();
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        Assumptions.assumeFalse(output.contains("No module named 'redis'"), "python3-redis is not installed");
        assertThat(finished).as("finished within 60 s: %s", output).isTrue();
        return output;
    }
}
