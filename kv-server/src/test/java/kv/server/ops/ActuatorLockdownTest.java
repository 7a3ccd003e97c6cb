package kv.server.ops;

import java.net.http.HttpResponse;
import java.nio.file.Path;

import kv.server.testing.Actuator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kv-server's Actuator with its shipped defaults (application.yml) and an Actuator user set: open
 * health, info, metrics and prometheus on loopback; nothing else without credentials; health's
 * components and details only with them.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"kv.server.port=0", "spring.security.user.name=" + Actuator.USER,
                "spring.security.user.password=" + Actuator.PASSWORD})
class ActuatorLockdownTest {

    @TempDir
    static Path dataDir;

    @DynamicPropertySource
    static void dataDir(DynamicPropertyRegistry registry) {
        registry.add("kv.server.data-dir", () -> dataDir.toString());
    }

    @LocalServerPort
    int httpPort;

    private Actuator actuator() {
        return new Actuator(httpPort);
    }

    @ParameterizedTest
    @CsvSource({"GET,/actuator/env", "GET,/actuator/env/kv.server.port", "GET,/actuator/configprops",
            "GET,/actuator/heapdump", "GET,/actuator/threaddump", "GET,/actuator/loggers",
            "POST,/actuator/loggers/kv", "POST,/actuator/shutdown", "GET,/actuator/beans",
            "GET,/actuator/mappings", "GET,/actuator", "POST,/", "POST,/dashboard/snapshot"})
    void sensitiveEndpointsAreRefusedWithoutCredentials(String method, String path) {
        int status = actuator().send(method, path, null).statusCode();
        assertThat(status).as(method + " " + path).isIn(401, 404);
    }

    @ParameterizedTest
    @CsvSource({"GET,/actuator/env", "GET,/actuator/configprops", "GET,/actuator/heapdump",
            "GET,/actuator/threaddump", "GET,/actuator/loggers", "POST,/actuator/shutdown"})
    void sensitiveEndpointsAreNotExposedEvenToTheActuatorUser(String method, String path) {
        int status = actuator().send(method, path, Actuator.USER + ":" + Actuator.PASSWORD).statusCode();
        assertThat(status).as(method + " " + path).isEqualTo(404);
    }

    @Test
    void wrongCredentialsAreRefused() {
        HttpResponse<String> response = actuator().send("GET", "/actuator/env", Actuator.USER + ":wrong");
        assertThat(response.statusCode()).isEqualTo(401);
    }

    @Test
    void healthShowsNoComponentsOrDetailsWithoutCredentials() {
        HttpResponse<String> response = actuator().get("/actuator/health");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"status\":\"UP\"").doesNotContain("components")
                .doesNotContain("storage").doesNotContain("details").doesNotContain("rocksdb");
    }

    @Test
    void healthShowsComponentsAndDetailsToTheActuatorUser() {
        HttpResponse<String> response = actuator().getAuthenticated("/actuator/health");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"storage\"").contains("rocksdb").contains("details");
    }

    @Test
    void metricsAndPrometheusAreOpen() {
        assertThat(actuator().get("/actuator/metrics/kv.clients.connected").statusCode()).isEqualTo(200);
        assertThat(actuator().get("/actuator/prometheus").body()).contains("kv_clients_connected");
        assertThat(actuator().get("/actuator/info").statusCode()).isEqualTo(200);
    }

    @Test
    void theDashboardIsOpenAndShowsNeitherThePathNorTheSettings() {
        assertThat(actuator().get("/").statusCode()).isEqualTo(200);
        assertThat(actuator().get("/").body()).contains("dashboard/dashboard.js");
        assertThat(actuator().get("/dashboard/dashboard.js").statusCode()).isEqualTo(200);
        assertThat(actuator().get("/webjars/uplot/1.6.30/dist/uPlot.iife.min.js").statusCode()).isEqualTo(200);
        HttpResponse<String> snapshot = actuator().get("/dashboard/snapshot");
        assertThat(snapshot.statusCode()).isEqualTo(200);
        assertThat(snapshot.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(snapshot.body()).contains("\"service\":\"kv-server\"").contains("\"disk\"")
                .doesNotContain(dataDir.toString()).doesNotContain(dataDir.getFileName().toString())
                .doesNotContain(Actuator.PASSWORD).doesNotContain("data-dir");
        assertThat(actuator().get("/webjars/other/x.js").statusCode()).as("other webjars stay closed").isEqualTo(401);
    }

    @Test
    void anUnknownHealthPathIsNotFoundRatherThanAServerError() {
        // Spring Boot 4.0 failed these with IllegalStateException: 'contributor' must not be null (500).
        for (String path : new String[] {"/actuator/health/nope/x", "/actuator/health/nope/x/y",
                "/actuator/health/nope", "/actuator/health/storage/x"}) {
            assertThat(actuator().get(path).statusCode()).as(path).isEqualTo(404);
            assertThat(actuator().getAuthenticated(path).statusCode()).as(path + " authenticated").isEqualTo(404);
        }
        assertThat(actuator().getAuthenticated("/actuator/health/storage").body()).contains("rocksdb");
    }

    @Test
    void theActuatorListensOnLoopbackOnly() throws Exception {
        assertThat(Actuator.listeningAddresses(httpPort)).isNotEmpty()
                .allMatch(address -> address.equals("127.0.0.1") || address.equals("::ffff:127.0.0.1"),
                        "a loopback address");
    }
}
