package kv.proxy.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import kv.proxy.testing.ProxyOverRedis;
import kv.proxy.testing.ProxyRunner;
import kv.proxy.testing.RedisServerProcess;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * kv-proxy with {@code kv.proxy.requirepass}, as kv-server with its own: a client that has not
 * authenticated may send at most 10 arguments of at most 16 KB (Redis's fix of CVE-2021-32675),
 * more is a protocol error and a close while another client goes on being served; Jedis logs in
 * with the default user's password.
 */
class LimitsBeforeAuthenticationTest {

    @RegisterExtension
    static final ProxyOverRedis setup = ProxyOverRedis.backends(1, "kv.proxy.requirepass=s3cret");

    static RedisServerProcess redis;
    static ProxyRunner proxy;

    @BeforeAll
    static void names() {
        redis = setup.redis(0);
        proxy = setup.proxy();
    }

    @Test
    void moreThanTenArgumentsBeforeAuthIsRefusedAndClosedWhileAnotherClientIsServed() throws Exception {
        try (Jedis other = authenticated(); Socket client = connect()) {
            send(client, "*11\r\n");
            assertThat(readUntilClosed(client)).isEqualTo("-ERR Protocol error: unauthenticated multibulk length\r\n");
            assertThat(other.ping()).isEqualTo("PONG");
        }
    }

    @Test
    void aBulkOver16KbBeforeAuthIsRefusedAndClosedWhileAnotherClientIsServed() throws Exception {
        try (Jedis other = authenticated(); Socket client = connect()) {
            send(client, "*2\r\n$3\r\nGET\r\n$16385\r\n");
            assertThat(readUntilClosed(client)).isEqualTo("-ERR Protocol error: unauthenticated bulk length\r\n");
            assertThat(other.ping()).isEqualTo("PONG");
        }
    }

    @Test
    void afterAuthTheNormalLimitsHold() {
        try (Jedis client = authenticated()) {
            String[] pairs = new String[12];
            for (int i = 0; i < 12; i += 2) {
                pairs[i] = "limits:" + i;
                pairs[i + 1] = "v";
            }
            assertThat(client.mset(pairs)).isEqualTo("OK");
            String big = "x".repeat(20_000);
            assertThat(client.set("limits:big", big)).isEqualTo("OK");
            assertThat(client.get("limits:big")).isEqualTo(big);
        }
    }

    @Test
    void jedisLogsInWithTheDefaultUsersPassword() {
        try (Jedis anonymous = new Jedis("127.0.0.1", proxy.port())) {
            assertThatThrownBy(anonymous::ping).isInstanceOf(JedisDataException.class)
                    .hasMessage("NOAUTH Authentication required.");
            assertThatThrownBy(() -> anonymous.auth("wrong"))
                    .hasMessage("WRONGPASS invalid username-password pair or user is disabled.");
        }
        try (JedisPooled pooled = new JedisPooled("127.0.0.1", proxy.port(), null, "s3cret")) {
            assertThat(pooled.set("jedis:k", "v")).isEqualTo("OK");
            assertThat(pooled.get("jedis:k")).isEqualTo("v");
        }
    }

    private static Jedis authenticated() {
        Jedis jedis = new Jedis("127.0.0.1", proxy.port());
        assertThat(jedis.auth("s3cret")).isEqualTo("OK");
        return jedis;
    }

    private static Socket connect() throws IOException {
        Socket socket = new Socket("127.0.0.1", proxy.port());
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static void send(Socket socket, String bytes) throws IOException {
        socket.getOutputStream().write(bytes.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
    }

    /** Everything the proxy sends before it closes the connection (a read timeout fails the test). */
    private static String readUntilClosed(Socket socket) throws IOException {
        return new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
    }
}
