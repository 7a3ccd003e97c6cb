package kv.server.ops;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import kv.protocol.endpoint.RespServerConnectionFactory;
import kv.server.testing.Actuator;
import kv.server.testing.GrafanaDashboard;
import kv.server.testing.HeadlessBrowser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import redis.clients.jedis.Jedis;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kv-server's live dashboard in a real browser (headless chromium): the page loads at {@code /}
 * without credentials, and its figures move while a client sends SET and GET. Leaves
 * {@code target/dashboard-under-load.png}. With the same server: every metric the Grafana
 * dashboard's kv-server panels query is on its {@code /actuator/prometheus}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "kv.server.port=0")
class DashboardPageTest {

    @TempDir
    static Path dataDir;

    @DynamicPropertySource
    static void dataDir(DynamicPropertyRegistry registry) {
        registry.add("kv.server.data-dir", () -> dataDir.toString());
    }

    @LocalServerPort
    int httpPort;

    @Autowired
    RespServerConnectionFactory connectionFactory;

    @Test
    void theDashboardsFiguresMoveWhileAClientSendsSetsAndGets() throws Exception {
        try (HeadlessBrowser browser = HeadlessBrowser.open()) {
            browser.driver().get("http://127.0.0.1:" + httpPort + "/");
            browser.await(Duration.ofSeconds(15), "the page shows its first snapshot",
                    driver -> driver.findElement(By.id("service")).getText().equals("kv-server"));
            assertThat(browser.text("clients")).isEqualTo("0");

            AtomicBoolean stop = new AtomicBoolean();
            Thread load = new Thread(() -> sendSetsAndGets(stop), "dashboard-load");
            load.start();
            try {
                String first = browser.await(Duration.ofSeconds(15), "operations per second above 0",
                        driver -> browser.figure("ops") > 0 ? browser.text("ops") : null);
                browser.await(Duration.ofSeconds(10), "the keys, clients and latency shown",
                        driver -> browser.figure("keys") > 0 && browser.text("clients").equals("1")
                                && !browser.text("p99").equals("–"));
                browser.await(Duration.ofSeconds(10), "a SET row in the commands table",
                        driver -> !driver.findElements(By.cssSelector("#commands tr[data-command='set']")).isEmpty()
                                && !driver.findElements(By.cssSelector("#commands tr[data-command='get']")).isEmpty());
                browser.await(Duration.ofSeconds(10), "operations per second changing from " + first,
                        driver -> !browser.text("ops").equals(first));
                browser.await(Duration.ofSeconds(10), "the charts drawn",
                        driver -> driver.findElements(By.cssSelector("#chart-ops canvas")).size() == 1
                                && driver.findElements(By.cssSelector("#chart-latency canvas")).size() == 1);
                Thread.sleep(3000); // a few more seconds of load in the charts, for the screenshot's sake
                browser.screenshot(Path.of("target", "dashboard-under-load.png"));
            }
            finally {
                stop.set(true);
                load.join(10_000);
            }
            assertThat(browser.text("status")).startsWith("updated");
        }
    }

    @Test
    void everyMetricTheGrafanaDashboardsServerPanelsQueryIsExported() {
        Map<String, Set<String>> byJob = GrafanaDashboard.metricsByJob();
        assertThat(byJob).as("every query selects the job of kv-server or kv-proxy").containsOnlyKeys("kv-server", "kv-proxy");
        Set<String> exported = GrafanaDashboard.exported(new Actuator(httpPort).get("/actuator/prometheus").body());
        assertThat(exported).containsAll(byJob.get("kv-server"));
    }

    @Test
    void metricNamesAreReadFromAQueryWithoutItsFunctionsLabelsOrKeywords() {
        assertThat(GrafanaDashboard.metrics("topk(10, sum by (command) (rate(kv_commands_seconds_count{job=\"kv-server\","
                + "command=~\"get|set\"}[1m]))) / ignoring (x) kv_keys offset 5m > 0"))
                .containsExactly("kv_commands_seconds_count", "kv_keys");
        assertThat(GrafanaDashboard.metrics("sum(rate(a_total[5m])) / (sum(rate(b_total[5m])) + 1e3)"))
                .containsExactly("a_total", "b_total");
    }

    /** SET and GET of 1,000 keys, round after round, until stopped (at most 2 minutes). */
    private void sendSetsAndGets(AtomicBoolean stop) {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        try (Jedis client = new Jedis("127.0.0.1", connectionFactory.getPort())) {
            for (int i = 0; !stop.get() && System.nanoTime() < deadline; i++) {
                client.set("dashboard:" + i % 1000, "value " + i);
                client.get("dashboard:" + (i * 7) % 1000);
            }
        }
    }
}
