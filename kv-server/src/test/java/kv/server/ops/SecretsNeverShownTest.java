package kv.server.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;

import kv.protocol.endpoint.RespServerConnectionFactory;
import kv.protocol.resp.RespValue;
import kv.server.testing.Actuator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import redis.clients.jedis.Jedis;

/**
 * Passwords set as settings, in the shapes kv's settings take (named as a password, or inside a
 * backend URL), with env and configprops exposed and showing values: no secret appears in any
 * place a setting can show, Actuator env and configprops, INFO, CONFIG GET, or the log.
 */
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "kv.server.port=0", "spring.security.user.name=" + Actuator.USER, "spring.security.user.password=" + Actuator.PASSWORD,
        "management.endpoints.web.exposure.include=health,info,env,configprops",
        "management.endpoint.env.show-values=always", "management.endpoint.configprops.show-values=always",
        "kv.server.requirepass=" + SecretsNeverShownTest.REQUIREPASS,
        "kv.server.masterauth=" + SecretsNeverShownTest.MASTERAUTH,
        "kv.server.tls-key-file-pass=" + SecretsNeverShownTest.TLS_KEY_PASS,
        "kv.proxy.backend-password=" + SecretsNeverShownTest.BACKEND_PASSWORD,
        "kv.proxy.backends=127.0.0.1:7379,redis://alice:" + SecretsNeverShownTest.URL_PASSWORD + "@127.0.0.1:7380"})
class SecretsNeverShownTest {

    static final String REQUIREPASS = "pw-requirepass-8c1f";
    static final String MASTERAUTH = "pw-masterauth-52aa";
    static final String TLS_KEY_PASS = "pw-tls-key-e03b";
    static final String BACKEND_PASSWORD = "pw-backend-77d0";
    static final String URL_PASSWORD = "pw-in-url-19fe";
    /** A client's wrong AUTH: logged and counted as a failure, never written out. */
    static final String WRONG_PASSWORD = "pw-wrong-auth-3b9d";
    private static final List<String> SECRETS = List.of(REQUIREPASS, MASTERAUTH, TLS_KEY_PASS, BACKEND_PASSWORD,
            URL_PASSWORD, WRONG_PASSWORD, Actuator.PASSWORD);

    @TempDir
    static Path dataDir;

    @DynamicPropertySource
    static void dataDir(DynamicPropertyRegistry registry) {
        registry.add("kv.server.data-dir", () -> dataDir.toString());
    }

    @LocalServerPort
    int httpPort;

    @Autowired
    RespServerConnectionFactory resp;

    @Test
    void actuatorEnvShowsTheSettingsButNoSecret() {
        HttpResponse<String> env = new Actuator(httpPort).getAuthenticated("/actuator/env");
        assertThat(env.statusCode()).isEqualTo(200);
        assertThat(env.body()).contains("kv.server.requirepass").contains("kv.proxy.backends")
                .contains("redis://alice:******@127.0.0.1:7380").contains("127.0.0.1:7379");
        assertNoSecretIn(env.body());
        for (String name : List.of("kv.server.requirepass", "kv.proxy.backends", "kv.server.tls-key-file-pass")) {
            HttpResponse<String> one = new Actuator(httpPort).getAuthenticated("/actuator/env/" + name);
            assertThat(one.statusCode()).as(name).isEqualTo(200);
            assertNoSecretIn(one.body());
        }
    }

    @Test
    void actuatorConfigpropsShowsNoSecret() {
        HttpResponse<String> configprops = new Actuator(httpPort).getAuthenticated("/actuator/configprops");
        assertThat(configprops.statusCode()).isEqualTo(200);
        assertThat(configprops.body()).contains("kv.server");
        assertNoSecretIn(configprops.body());
    }

    @Test
    void infoAndConfigGetShowNoSecret() {
        try (Jedis jedis = new Jedis("127.0.0.1", resp.getPort(), 10_000)) {
            jedis.auth(REQUIREPASS);
            assertNoSecretIn(jedis.info("everything"));
            StringBuilder config = new StringBuilder();
            jedis.configGet("*").forEach((name, value) -> config.append(name).append('=').append(value).append('\n'));
            assertThat(config).contains("requirepass=").contains("masterauth=");
            assertNoSecretIn(config.toString());
        }
    }

    @Test
    void theLogShowsNoSecret(CapturedOutput output) {
        try (Jedis jedis = new Jedis("127.0.0.1", resp.getPort(), 10_000)) {
            assertThatThrownBy(() -> jedis.auth(WRONG_PASSWORD)).hasMessageContaining("WRONGPASS");
            jedis.auth(REQUIREPASS);
            jedis.ping();
        }
        new Actuator(httpPort).getAuthenticated("/actuator/env");
        new Actuator(httpPort).send("GET", "/actuator/env", Actuator.USER + ":" + REQUIREPASS); // a wrong password
        assertNoSecretIn(output.getAll());
    }

    private static void assertNoSecretIn(String text) {
        for (String secret : SECRETS) {
            assertThat(text).doesNotContain(secret);
        }
    }
}
