package kv.server;

import kv.protocol.endpoint.RespServerConnectionFactory;
import kv.server.testing.Upload;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import redis.clients.jedis.Jedis;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kv.server.limits.query-buffers: the memory all clients' requests still arriving hold together.
 * The client whose request would pass it gets a clear error and is closed; the others, with
 * requests as large but that fit, and small ones, are served meanwhile.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {"kv.server.port=0", "kv.server.limits.query-buffers=32MB"})
class QueryBufferBudgetTest extends RunningServerTest {

    private static final int MB = 1024 * 1024;

    @Autowired
    RespServerConnectionFactory factory;

    @Test
    void theClientThatWouldPassTheBudgetIsToldAndClosedAndTheOthersAreServed() throws Exception {
        int port = factory.getPort();
        Upload first = new Upload(port, "first", 12 * MB, 10 * MB);
        Thread firstThread = first.start();
        first.awaitPaused(); // 10 MB of its 12 MB held by the server

        Upload second = new Upload(port, "second", 30 * MB);
        Thread secondThread = second.start();
        try (Jedis other = new Jedis("127.0.0.1", port)) {
            other.set("small", "value"); // served while the large requests arrive
            assertThat(other.get("small")).isEqualTo("value");
        }
        secondThread.join(60_000);
        assertThat(second.answer()).startsWith("-ERR Protocol error: the requests being received from all clients hold")
                .contains("kv.server.limits.query-buffers allows is " + 32 * MB)
                .endsWith("closing this client <end of stream>");

        first.resume();
        firstThread.join(60_000);
        assertThat(first.answer()).isEqualTo("+OK");
        try (Jedis other = new Jedis("127.0.0.1", port)) {
            assertThat(other.strlen("first")).isEqualTo(12L * MB);
            assertThat(other.exists("second")).isFalse();
        }
        // What the refused request held is free again: a request as large as it fits now.
        Upload third = new Upload(port, "third", 30 * MB);
        Thread thirdThread = third.start();
        thirdThread.join(60_000);
        assertThat(third.answer()).isEqualTo("+OK");
    }
}
