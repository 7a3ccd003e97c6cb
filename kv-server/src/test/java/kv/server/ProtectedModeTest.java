package kv.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;

import kv.protocol.endpoint.RespServerConnectionFactory;
import kv.protocol.resp.RespValue;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;

/**
 * Protected mode, as Redis has it: bound to every interface without a password, the server
 * refuses a client whose address is not 127.0.0.1 or ::1 with {@code -DENIED} and closes it. The
 * client binds its socket to 127.0.0.2, which stays on loopback.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {"kv.server.port=0", "kv.server.bind=0.0.0.0"})
@DirtiesContext
class ProtectedModeTest extends RunningServerTest {

    @Autowired
    RespServerConnectionFactory connectionFactory;

    @Test
    void aClientFromAnotherAddressIsDeniedAndClosed() throws IOException {
        try (RawConnection other = from("127.0.0.2")) {
            RespValue reply = other.send("PING\r\n").read();
            assertThat(((RespValue.Error) reply).message()).startsWith("DENIED Redis is running in protected mode"
                    + " because protected mode is enabled and no password is set for the default user. In this mode"
                    + " connections are only accepted from the loopback interface.")
                    .contains("kv.server.requirepass", "kv.server.protected-mode=false");
            assertThat(other.read()).as("closed").isNull();
        }
    }

    @Test
    void aClientFrom127001IsServed() throws IOException {
        try (RawConnection local = from("127.0.0.1")) {
            assertThat(local.send("PING\r\n").read()).isEqualTo(new RespValue.SimpleString("PONG"));
        }
    }

    private RawConnection from(String address) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(InetAddress.getByName(address), 0));
        socket.connect(new InetSocketAddress("127.0.0.1", connectionFactory.getPort()), 5000);
        return new RawConnection(socket);
    }
}
