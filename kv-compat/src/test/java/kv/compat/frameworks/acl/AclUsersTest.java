package kv.compat.frameworks.acl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import kv.compat.support.Target;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import redis.clients.jedis.Jedis;

/**
 * Jedis and Lettuce, unchanged, logging in as an ACL user made with ACL SETUSER, against Redis
 * (the control), kv-server and kv-proxy (the proxy's own users): the same replies for a login, a
 * wrong password, a disabled user and missing permissions on a command and on a key.
 */
class AclUsersTest {

    private static final String NONCE = Long.toString(System.nanoTime(), 36);
    private static final String USER = "compat-" + NONCE;
    private static final String KEYS = "compat-acl-" + NONCE + ":";

    @ParameterizedTest(name = "{0}")
    @EnumSource(Target.class)
    void jedisLogsInAsAUserAndIsRefusedWhatItMayNotDo(Target target) {
        try (Jedis admin = new Jedis("127.0.0.1", target.port()); Jedis user = new Jedis("127.0.0.1", target.port())) {
            admin.aclSetUser(USER, "reset", "on", ">pw-" + NONCE, "~" + KEYS + "*", "+get", "+set", "+ping");
            try {
                assertThatThrownBy(() -> user.auth(USER, "wrong")).hasMessage(
                        "WRONGPASS invalid username-password pair or user is disabled.");
                assertThat(user.auth(USER, "pw-" + NONCE)).isEqualTo("OK");
                assertThat(user.set(KEYS + "k", "v")).isEqualTo("OK");
                assertThat(user.get(KEYS + "k")).isEqualTo("v");
                assertThatThrownBy(() -> user.get("elsewhere")).hasMessage(
                        "NOPERM this user has no permissions to access one of the keys used as arguments");
                assertThatThrownBy(() -> user.incr(KEYS + "n")).hasMessage(
                        "NOPERM this user has no permissions to run the 'incr' command");
                admin.aclSetUser(USER, "off");
                try (Jedis late = new Jedis("127.0.0.1", target.port())) {
                    assertThatThrownBy(() -> late.auth(USER, "pw-" + NONCE)).hasMessage(
                            "WRONGPASS invalid username-password pair or user is disabled.");
                }
            }
            finally {
                admin.aclDelUser(USER);
                admin.del(KEYS + "k");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Target.class)
    void lettuceAuthenticatesWithHelloAuthAsAUser(Target target) {
        try (Jedis admin = new Jedis("127.0.0.1", target.port())) {
            admin.aclSetUser(USER + "-l", "reset", "on", ">pw", "~" + KEYS + "*", "+@all");
            RedisClient client = RedisClient.create();
            try {
                RedisURI uri = RedisURI.builder().withHost("127.0.0.1").withPort(target.port())
                        .withAuthentication(USER + "-l", "pw".toCharArray()).withTimeout(Duration.ofSeconds(5)).build();
                try (StatefulRedisConnection<String, String> connection = client.connect(uri)) {
                    assertThat(connection.sync().aclWhoami()).isEqualTo(USER + "-l");
                    assertThat(connection.sync().set(KEYS + "l", "1")).isEqualTo("OK");
                    assertThatThrownBy(() -> connection.sync().get("elsewhere")).hasMessageContaining(
                            "NOPERM this user has no permissions to access one of the keys used as arguments");
                }
                RedisURI wrong = RedisURI.builder().withHost("127.0.0.1").withPort(target.port())
                        .withAuthentication(USER + "-l", "nope".toCharArray()).withTimeout(Duration.ofSeconds(5)).build();
                assertThatThrownBy(() -> client.connect(wrong).close()).hasStackTraceContaining("WRONGPASS");
            }
            finally {
                client.shutdown();
                admin.aclDelUser(USER + "-l");
                admin.del(KEYS + "l");
            }
        }
    }
}
