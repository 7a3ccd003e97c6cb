package kv.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;

import kv.protocol.resp.Replies;
import kv.protocol.endpoint.RespServerConnectionFactory;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {"kv.server.port=0", "kv.server.max-clients=2"})
class MaxClientsTest extends RunningServerTest {

    @Autowired
    RespServerConnectionFactory connectionFactory;

    @Test
    void aClientBeyondMaxClientsIsToldSoAndTheOthersKeepWorking() throws IOException {
        int port = connectionFactory.getPort();
        try (RawConnection one = new RawConnection(port); RawConnection two = new RawConnection(port)) {
            assertThat(one.send("PING\r\n").read()).isEqualTo(Replies.PONG);
            assertThat(two.send("PING\r\n").read()).isEqualTo(Replies.PONG);
            try (RawConnection third = new RawConnection(port)) {
                assertThat(third.read()).isEqualTo(Replies.error("ERR max number of clients reached"));
                assertThat(third.closedByServer()).isTrue();
            }
            assertThat(one.send("PING\r\n").read()).isEqualTo(Replies.PONG);
        }
    }
}
