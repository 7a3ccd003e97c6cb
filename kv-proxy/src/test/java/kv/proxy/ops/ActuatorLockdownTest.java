package kv.proxy.ops;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;

import kv.proxy.testing.ProxyRunner;
import kv.proxy.testing.RedisServerProcess;
import kv.server.testing.Actuator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * kv-proxy's Actuator: the shipped defaults (loopback, four open endpoints, health details to the
 * Actuator user only) and what an operator gets by exposing a sensitive endpoint (it asks for
 * basic auth, and secrets stay masked).
 */
@ExtendWith(OutputCaptureExtension.class)
class ActuatorLockdownTest {

    @TempDir
    Path work;

    @Test
    void theDefaultsExposeOnlyTheFourOpenEndpointsOnLoopback() throws Exception {
        assumeTrue(RedisServerProcess.available(), "redis-server is not installed");
        try (RedisServerProcess redis = RedisServerProcess.start(work);
             ProxyRunner proxy = ProxyRunner.start(List.of(redis.port()))) {
            Actuator actuator = new Actuator(proxy.actuatorPort());
            for (String path : List.of("/actuator/env", "/actuator/configprops", "/actuator/heapdump",
                    "/actuator/threaddump", "/actuator/loggers", "/actuator/beans")) {
                assertThat(actuator.get(path).statusCode()).as(path).isIn(401, 404);
                assertThat(actuator.getAuthenticated(path).statusCode()).as(path + " authenticated").isEqualTo(404);
            }
            assertThat(actuator.send("POST", "/actuator/shutdown", null).statusCode()).isIn(401, 404);
            HttpResponse<String> health = actuator.get("/actuator/health");
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("\"status\":\"UP\"").doesNotContain("backends")
                    .doesNotContain("127.0.0.1");
            assertThat(actuator.getAuthenticated("/actuator/health").body()).contains("backends")
                    .contains("127.0.0.1:" + redis.port());
            assertThat(actuator.get("/actuator/health/backends/nope/x").statusCode()).isEqualTo(404);
            assertThat(actuator.get("/actuator/prometheus").statusCode()).isEqualTo(200);
            assertThat(actuator.get("/").statusCode()).as("the dashboard").isEqualTo(200);
            assertThat(actuator.get("/dashboard/snapshot").body()).contains("\"service\":\"kv-proxy\"")
                    .doesNotContain(Actuator.PASSWORD);
            assertThat(actuator.send("POST", "/", null).statusCode()).isEqualTo(401);
            assertThat(Actuator.listeningAddresses(proxy.actuatorPort())).isNotEmpty()
                    .allMatch(address -> address.equals("127.0.0.1") || address.equals("::ffff:127.0.0.1"),
                            "a loopback address");
        }
    }

    @Test
    void anExposedSensitiveEndpointNeedsTheActuatorUserAndMasksSecrets() throws Exception {
        assumeTrue(RedisServerProcess.available(), "redis-server is not installed");
        try (RedisServerProcess redis = RedisServerProcess.start(work);
             ProxyRunner proxy = ProxyRunner.start(List.of(redis.port()),
                     "management.endpoints.web.exposure.include=health,info,metrics,prometheus,env,configprops",
                     "management.endpoint.env.show-values=always",
                     "kv.proxy.requirepass=backend-secret-value")) {
            Actuator actuator = new Actuator(proxy.actuatorPort());
            assertThat(actuator.get("/actuator/env").statusCode()).isEqualTo(401);
            assertThat(actuator.send("GET", "/actuator/env", Actuator.USER + ":wrong").statusCode()).isEqualTo(401);
            HttpResponse<String> env = actuator.getAuthenticated("/actuator/env");
            assertThat(env.statusCode()).isEqualTo(200);
            // Values are shown (show-values=always), except those whose names say they are secrets.
            assertThat(env.body()).contains("kv.proxy.timeouts.reply").contains("kv.proxy.requirepass")
                    .doesNotContain("backend-secret-value").doesNotContain(Actuator.PASSWORD);
            HttpResponse<String> configprops = actuator.getAuthenticated("/actuator/configprops");
            assertThat(configprops.statusCode()).isEqualTo(200);
            assertThat(configprops.body()).doesNotContain(Actuator.PASSWORD);
        }
    }

    @Test
    void noPasswordIsGeneratedOrLoggedWithoutAnActuatorUser(CapturedOutput output) throws Exception {
        assumeTrue(RedisServerProcess.available(), "redis-server is not installed");
        try (RedisServerProcess redis = RedisServerProcess.start(work);
             ProxyRunner proxy = ProxyRunner.start(List.of(redis.port()), "spring.security.user.password=")) {
            Actuator actuator = new Actuator(proxy.actuatorPort());
            assertThat(actuator.get("/actuator/health").statusCode()).isEqualTo(200);
            // With no user, nobody can authenticate, not even with Spring Boot's default name.
            assertThat(actuator.send("GET", "/actuator/health", "user:").body()).doesNotContain("backends");
        }
        assertThat(output.getAll()).doesNotContain("generated security password")
                .doesNotContain("Using generated");
    }
}
