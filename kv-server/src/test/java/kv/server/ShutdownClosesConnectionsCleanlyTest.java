package kv.server;

import java.nio.file.Path;
import java.util.List;

import kv.server.testing.KvServerProcess;
import kv.server.testing.ShutdownTraffic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SIGTERM while 150 clients pipeline requests: each gets whole replies and then end of stream
 * (a FIN), never {@code Connection reset} (an RST; 149 of 150 got one before the event loops
 * drained their connections at shutdown).
 */
class ShutdownClosesConnectionsCleanlyTest {

    @TempDir
    Path work;

    @Test
    void everyClientReadsItsLastRepliesThenEndOfStream() throws Exception {
        try (KvServerProcess server = KvServerProcess.start(work)) {
            try (Jedis jedis = new Jedis("127.0.0.1", server.port())) {
                jedis.set("k", "v");
            }
            try (ShutdownTraffic traffic = new ShutdownTraffic(server.port(), 150, "k")) {
                assertThat(traffic.awaitTraffic()).as("every client answered before the SIGTERM").isTrue();
                assertThat(server.stop()).as("exit code after SIGTERM").isIn(0, 143);
                List<String> outcomes = traffic.outcomes();
                assertThat(outcomes).hasSize(150).allMatch("clean"::equals);
            }
        }
    }
}
