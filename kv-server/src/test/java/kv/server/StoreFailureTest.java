package kv.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;

import kv.protocol.resp.Replies;
import kv.protocol.resp.RespValue;
import kv.server.store.KeyValueStore;
import kv.protocol.endpoint.RespServerConnectionFactory;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;

/**
 * When storage stops accepting writes (here: closed under the server, as a full or failed disk
 * would make RocksDB refuse them), no write is acknowledged that was not stored, reads say why
 * they fail, and health reports it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = "kv.server.port=0")
@DirtiesContext
class StoreFailureTest extends RunningServerTest {

    @Autowired
    RespServerConnectionFactory connectionFactory;

    @Autowired
    KeyValueStore store;

    @Test
    void pipelinedWritesThatCannotBeStoredAreNeverAcknowledged() throws IOException {
        int port = connectionFactory.getPort();
        try (RawConnection writer = new RawConnection(port); RawConnection reader = new RawConnection(port)) {
            assertThat(writer.send("SET before 1\r\n").read()).isEqualTo(Replies.OK);
            store.close();

            writer.send("SET a 1\r\nSET b 2\r\nSET c 3\r\n");
            assertThat(writer.read()).as("no +OK for writes that were not stored").isNull();

            try (RawConnection another = new RawConnection(port)) {
                // Here the failing commit runs before the GET, not before the flush.
                another.send("SET d 4\r\nGET d\r\n");
                assertThat(another.read()).as("no +OK, and no reply that would follow it").isNull();
            }

            RespValue read = reader.send("GET before\r\n").read();
            assertThat(read).isInstanceOf(RespValue.Error.class);
            assertThat(((RespValue.Error) read).message()).startsWith("ERR store is closed");
            assertThat(store.problem()).isEqualTo("closed");
        }
    }
}
