package kv.server;

import static kv.server.testing.ScriptedCommands.encode;
import static kv.server.testing.ScriptedCommands.words;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;

import kv.protocol.endpoint.RespServerConnectionFactory;
import kv.protocol.resp.RespValue;
import kv.server.testing.RedisServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Base of the tests that send the same commands to kv-server and to Debian's redis-server and
 * compare the replies: one redis-server for the class, a connection to each per test, both
 * flushed before each test. The subclass is a {@code @SpringBootTest} with
 * {@code kv.server.port=0} (and {@code @DirtiesContext}: its data directory goes with it).
 */
abstract class ParityTest extends RunningServerTest {

    static RedisServerProcess redis;

    @Autowired
    RespServerConnectionFactory connectionFactory;

    RawConnection kv;
    RawConnection reference;

    @BeforeAll
    static void startRedis() throws IOException {
        redis = RedisServerProcess.start();
    }

    @AfterAll
    static void stopRedis() throws InterruptedException {
        if (redis != null) {
            redis.close();
        }
    }

    @BeforeEach
    void connect() throws IOException {
        kv = new RawConnection(connectionFactory.getPort());
        reference = new RawConnection(redis.port());
        same("FLUSHALL");
    }

    @AfterEach
    void disconnect() throws IOException {
        kv.close();
        reference.close();
    }

    /** Each line of {@code lines} as {@link #same(String)}. */
    void script(String lines) throws IOException {
        for (String line : lines.strip().split("\n")) {
            same(line.strip());
        }
    }

    /**
     * Sends {@code line} (words as {@code redis-cli} splits them) to both and expects the same
     * reply, error texts included; a TTL within a second and a PTTL within 250 ms, since both
     * servers run on the real clock.
     */
    void same(String line) throws IOException {
        byte[] command = encode(words(line));
        RespValue expected = reference.send(command).read();
        RespValue actual = kv.send(command).read();
        if (line.matches("(?i)^P?(TTL|EXPIRETIME) .*") && expected instanceof RespValue.Integer e
                && actual instanceof RespValue.Integer a && e.value() > 0) {
            long tolerance = line.toUpperCase().startsWith("P") ? 250 : 1;
            long upper = e.value() > Long.MAX_VALUE - tolerance ? Long.MAX_VALUE : e.value() + tolerance;
            assertThat(a.value()).as(line).isBetween(e.value() - tolerance, upper);
            return;
        }
        assertThat(actual).as(line).isEqualTo(expected);
    }
}
