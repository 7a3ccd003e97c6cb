package kv.proxy.ops;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;

import kv.proxy.testing.ProxyRunner;
import kv.proxy.testing.RedisServerProcess;
import kv.server.testing.Actuator;
import kv.server.testing.GrafanaDashboard;
import kv.server.testing.HeadlessBrowser;
import kv.server.testing.KvServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.yaml.snakeyaml.Yaml;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * kv-proxy's live dashboard in a real browser (headless chromium), in front of a kv-server and a
 * Redis: both backends green and the hit ratio shown while a client reads and writes through the
 * proxy; the kv-server killed ({@code kill -9}), its row turns red and the "backends up" tile
 * says 1 / 2. Leaves {@code target/dashboard-backend-down.png}. With the same services: the
 * Grafana dashboard's proxy panels query only meters the proxy exports, and the Prometheus
 * example scrapes both services where their settings put them.
 */
class DashboardPageTest {

    @TempDir
    static Path work;

    static KvServerProcess server;
    static RedisServerProcess redis;
    static ProxyRunner proxy;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(RedisServerProcess.available(), "redis-server is not installed");
        server = KvServerProcess.start(work.resolve("server"));
        redis = RedisServerProcess.start(work);
        proxy = ProxyRunner.start(List.of(server.port(), redis.port())).awaitCoherent();
    }

    @AfterAll
    static void stop() throws Exception {
        if (proxy != null) {
            proxy.close();
        }
        if (server != null) {
            server.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void aKilledBackendTurnsRedOnTheProxysDashboard() throws Exception {
        String killed = "127.0.0.1:" + server.port();
        String alive = "127.0.0.1:" + redis.port();
        try (HeadlessBrowser browser = HeadlessBrowser.open()) {
            browser.driver().get("http://127.0.0.1:" + proxy.actuatorPort() + "/");
            browser.await(Duration.ofSeconds(15), "both backends listed as up",
                    driver -> driver.findElements(By.cssSelector("#backends tr.up")).size() == 2);
            assertThat(browser.text("service")).isEqualTo("kv-proxy");
            assertThat(browser.text("backends-up")).isEqualTo("2 / 2");

            AtomicBoolean stop = new AtomicBoolean();
            Thread load = new Thread(() -> readAndWrite(stop), "dashboard-load");
            load.start();
            try {
                browser.await(Duration.ofSeconds(15), "operations per second and cache hits shown",
                        driver -> !browser.text("ops").equals("0") && browser.figure("hit-ratio") > 0
                                && !driver.findElements(By.cssSelector("#commands tr[data-command='get']")).isEmpty());

                server.kill();
                WebElement row = browser.await(Duration.ofSeconds(15), "the killed backend's row marked down",
                        driver -> driver.findElements(By.cssSelector("#backends tr.down")).stream().findFirst().orElse(null));
                assertThat(row.getAttribute("data-backend")).isEqualTo(killed);
                assertThat(row.getText()).contains("DOWN");
                assertThat(row.findElement(By.tagName("td")).getCssValue("color")).isEqualTo("rgba(255, 77, 79, 1)"); // red
                assertThat(browser.driver().findElement(By.cssSelector("#backends tr[data-backend='" + alive + "']"))
                        .getAttribute("class")).isEqualTo("up");
                assertThat(browser.text("backends-up")).isEqualTo("1 / 2");
                assertThat(browser.driver().findElement(By.id("tile-backends-up")).getAttribute("class")).contains("bad");
                browser.screenshot(Path.of("target", "dashboard-backend-down.png"));
            }
            finally {
                stop.set(true);
                load.join(10_000);
            }
        }
    }

    @Test
    void everyMetricTheGrafanaDashboardsProxyPanelsQueryIsExported() {
        Set<String> queried = GrafanaDashboard.metricsByJob().get("kv-proxy");
        assertThat(queried).as("the proxy's panels").isNotEmpty().anyMatch(name -> name.startsWith("kv_proxy_"));
        Set<String> exported = GrafanaDashboard.exported(new Actuator(proxy.actuatorPort()).get("/actuator/prometheus").body());
        assertThat(exported).containsAll(queried);
    }

    @Test
    void thePrometheusExampleScrapesBothServicesWhereTheirSettingsPutThem() throws Exception {
        Map<String, Object> config = new Yaml().load(Files.readString(Path.of("..", "ops", "prometheus.yml")));
        Map<String, String> targets = new TreeMap<>();
        for (Object job : (List<?>) config.get("scrape_configs")) {
            Map<?, ?> scrape = (Map<?, ?>) job;
            assertThat(scrape.get("metrics_path")).isEqualTo("/actuator/prometheus");
            Map<?, ?> statics = (Map<?, ?>) ((List<?>) scrape.get("static_configs")).get(0);
            targets.put((String) scrape.get("job_name"), (String) ((List<?>) statics.get("targets")).get(0));
        }
        // The jobs the Grafana queries select, on the services' default HTTP ports.
        assertThat(targets).containsOnlyKeys(GrafanaDashboard.metricsByJob().keySet());
        assertThat(targets.get("kv-server")).isEqualTo("127.0.0.1:" + httpPort(Path.of("..", "kv-server")));
        assertThat(targets.get("kv-proxy")).isEqualTo("127.0.0.1:" + httpPort(Path.of(".")));
    }

    private static int httpPort(Path module) throws Exception {
        Map<String, Object> settings = new Yaml().load(Files.readString(module.resolve("src/main/resources/application.yml")));
        return (Integer) ((Map<?, ?>) settings.get("server")).get("port");
    }

    /**
     * Through the proxy: 100 hot keys written, then read over and over with one SET in ten (so most
     * GETs hit the cache and each SET invalidates), until stopped (at most 2 minutes).
     */
    private static void readAndWrite(AtomicBoolean stop) {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        Jedis client = null;
        for (int i = -100; !stop.get() && System.nanoTime() < deadline; i++) {
            try {
                if (client == null) {
                    client = new Jedis("127.0.0.1", proxy.port());
                }
                if (i < 0) {
                    client.set("hot:" + (i + 100), "value");
                }
                else if (i % 10 == 0) {
                    client.set("hot:" + (i / 10) % 100, "value " + i);
                }
                else {
                    client.get("hot:" + i % 100);
                }
            }
            catch (JedisException e) { // the killed backend's keys: an error, the client goes on
                client.close();
                client = null;
            }
        }
        if (client != null) {
            client.close();
        }
    }
}
