package kv.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;

import kv.protocol.endpoint.RespServerConnectionFactory;
import kv.protocol.resp.RespValue;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.exceptions.JedisDataException;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;

/**
 * With a password, a client that has not authenticated may send at most 10 arguments of at most
 * 16 KB (Redis's fix of CVE-2021-32675): more is a protocol error and a close, while another
 * client goes on being served; after AUTH the normal limits hold. Bound to every interface, a
 * client from 127.0.0.2 is served after AUTH (protected mode wants no password to refuse it).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {"kv.server.port=0", "kv.server.bind=0.0.0.0", "kv.server.requirepass=s3cret"})
@DirtiesContext
class LimitsBeforeAuthenticationTest extends RunningServerTest {

    private static final RespValue OK = new RespValue.SimpleString("OK");

    @Autowired
    RespServerConnectionFactory connectionFactory;

    @Test
    void moreThanTenArgumentsBeforeAuthIsRefusedAndClosed() throws IOException {
        try (RawConnection other = authenticated(); RawConnection client = connect("127.0.0.1")) {
            RespValue reply = client.send("*11\r\n").read();
            assertThat(reply).isEqualTo(new RespValue.Error("ERR Protocol error: unauthenticated multibulk length"));
            assertThat(client.read()).as("closed").isNull();
            assertThat(other.send("PING\r\n").read()).isEqualTo(new RespValue.SimpleString("PONG"));
        }
    }

    @Test
    void aBulkOver16KbBeforeAuthIsRefusedAndClosed() throws IOException {
        try (RawConnection other = authenticated(); RawConnection client = connect("127.0.0.1")) {
            RespValue reply = client.send("*2\r\n$3\r\nGET\r\n$16385\r\n").read();
            assertThat(reply).isEqualTo(new RespValue.Error("ERR Protocol error: unauthenticated bulk length"));
            assertThat(client.read()).as("closed").isNull();
            assertThat(other.send("PING\r\n").read()).isEqualTo(new RespValue.SimpleString("PONG"));
        }
    }

    @Test
    void afterAuthTheNormalLimitsHold() throws IOException {
        try (RawConnection client = authenticated()) {
            StringBuilder mset = new StringBuilder("*13\r\n$4\r\nMSET\r\n");
            for (int i = 0; i < 6; i++) {
                mset.append("$1\r\nk\r\n$1\r\n").append(i).append("\r\n");
            }
            assertThat(client.send(mset.toString()).read()).isEqualTo(OK);
            String big = "x".repeat(20_000);
            assertThat(client.send("*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$20000\r\n" + big + "\r\n").read()).isEqualTo(OK);
        }
    }

    @Test
    void aClientFromAnotherAddressIsServedAfterAuth() throws IOException {
        try (RawConnection client = connect("127.0.0.2")) {
            assertThat(client.send("PING\r\n").read()).isEqualTo(new RespValue.Error("NOAUTH Authentication required."));
            assertThat(client.send("AUTH s3cret\r\n").read()).isEqualTo(OK);
            assertThat(client.send("PING\r\n").read()).isEqualTo(new RespValue.SimpleString("PONG"));
        }
    }

    @Test
    void jedisLogsInWithTheDefaultUsersPassword() {
        try (Jedis anonymous = new Jedis("127.0.0.1", connectionFactory.getPort())) {
            assertThatThrownBy(anonymous::ping).isInstanceOf(JedisDataException.class)
                    .hasMessage("NOAUTH Authentication required.");
            assertThatThrownBy(() -> anonymous.auth("wrong"))
                    .hasMessage("WRONGPASS invalid username-password pair or user is disabled.");
        }
        try (JedisPooled pooled = new JedisPooled("127.0.0.1", connectionFactory.getPort(), null, "s3cret")) {
            assertThat(pooled.set("jedis:k", "v")).isEqualTo("OK");
            assertThat(pooled.get("jedis:k")).isEqualTo("v");
        }
    }

    private RawConnection authenticated() throws IOException {
        RawConnection connection = connect("127.0.0.1");
        assertThat(connection.send("AUTH s3cret\r\n").read()).isEqualTo(OK);
        return connection;
    }

    private RawConnection connect(String from) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
        socket.connect(new InetSocketAddress("127.0.0.1", connectionFactory.getPort()), 5000);
        return new RawConnection(socket);
    }
}
