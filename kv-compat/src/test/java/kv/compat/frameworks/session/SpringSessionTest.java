package kv.compat.frameworks.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

import kv.compat.support.Reply;
import kv.compat.support.Target;
import kv.compat.support.WireConnection;
import kv.proxy.testing.Await;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Spring Session Data Redis's default {@code RedisSessionRepository}, unchanged, in a web application
 * on an embedded Tomcat ({@link SessionTestApplication}), driven over HTTP as a browser would (a
 * cookie jar): a session stored, read back, expired after its max inactive interval, and deleted
 * when invalidated. Against Redis (the control), kv-server and kv-proxy; each scenario also looks
 * at the session's hash in the store itself.
 */
class SpringSessionTest {

    /** The expiring session's max inactive interval. */
    private static final Duration INACTIVE = Duration.ofSeconds(1);
    /** Bounded wait for a session to expire: well over its interval. */
    private static final Duration EXPIRY_DEADLINE = Duration.ofSeconds(10);
    private static final String NAMESPACE = "compat-session-" + Long.toString(System.nanoTime(), 36);
    private static final Map<Target, ConfigurableApplicationContext> APPLICATIONS = new EnumMap<>(Target.class);

    @AfterAll
    static void stopApplications() {
        APPLICATIONS.values().forEach(ConfigurableApplicationContext::close);
        APPLICATIONS.clear();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Target.class)
    void aSessionAttributeIsStoredAndReadBackFromAHash(Target target) throws Exception {
        Browser browser = new Browser(target);
        String id = browser.post("/attribute?name=user&value=ada").split(" ")[0];
        assertThat(browser.get("/attribute?name=user")).isEqualTo(id + " ada");

        try (WireConnection store = new WireConnection(target.port())) {
            String key = sessionKey(target, id);
            assertThat(store.call("TYPE", key)).as("the session is a hash").isEqualTo(Reply.simple('+', "hash"));
            assertThat(store.call("HEXISTS", key, "sessionAttr:user").integer()).as("its attribute field").isEqualTo(1);
            assertThat(store.call("HEXISTS", key, "creationTime").integer()).isEqualTo(1);
            long ttl = store.call("TTL", key).integer();
            assertThat(ttl).as("its expiry is the max inactive interval (30 min)").isBetween(1L, 1800L);
        }
        Browser stranger = new Browser(target);
        assertThat(stranger.get("/attribute?name=user")).as("another browser has no session")
                .isEqualTo("(no session) (none)");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Target.class)
    void anAttributeChangeIsSavedInTheSameSession(Target target) throws Exception {
        Browser browser = new Browser(target);
        String id = browser.post("/attribute?name=cart&value=1").split(" ")[0];
        assertThat(browser.post("/attribute?name=cart&value=2")).isEqualTo(id + " 2");
        assertThat(browser.get("/attribute?name=cart")).isEqualTo(id + " 2");
        assertThat(new Browser(target, browser).get("/attribute?name=cart")).as("read by a fresh request")
                .isEqualTo(id + " 2");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Target.class)
    void aSessionExpiresAfterItsMaxInactiveInterval(Target target) throws Exception {
        Browser browser = new Browser(target);
        String id = browser.post("/attribute?name=user&value=bob&inactive=" + INACTIVE.toSeconds()).split(" ")[0];
        try (WireConnection store = new WireConnection(target.port())) {
            String key = sessionKey(target, id);
            long pttl = store.call("PTTL", key).integer();
            // -2 too: on a loaded machine the session may be gone already; -1 (no expiry) never.
            assertThat(pttl).as("PTTL of the session's hash").isNotEqualTo(-1L).isLessThanOrEqualTo(INACTIVE.toMillis());
            Await.until("the session's hash to expire", EXPIRY_DEADLINE,
                    () -> exists(store, key) == 0);
        }
        assertThat(browser.get("/attribute?name=user")).as("after its interval the session is gone")
                .isEqualTo("(no session) (none)");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Target.class)
    void anInvalidatedSessionIsDeleted(Target target) throws Exception {
        Browser browser = new Browser(target);
        String id = browser.post("/attribute?name=user&value=eve").split(" ")[0];
        String key = sessionKey(target, id);
        try (WireConnection store = new WireConnection(target.port())) {
            assertThat(store.call("EXISTS", key).integer()).isEqualTo(1);
            assertThat(browser.post("/invalidate")).isEqualTo(id);
            assertThat(store.call("EXISTS", key).integer()).as("invalidate deletes the hash").isEqualTo(0);
        }
        assertThat(browser.get("/attribute?name=user")).isEqualTo("(no session) (none)");
    }

    private static long exists(WireConnection store, String key) {
        try {
            return store.call("EXISTS", key).integer();
        }
        catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String sessionKey(Target target, String id) {
        return namespace(target) + ":sessions:" + id;
    }

    private static String namespace(Target target) {
        return NAMESPACE + ":" + target.label();
    }

    /** {@link SessionTestApplication} against {@code target}, started once per target. */
    private static synchronized int applicationPort(Target target) {
        ConfigurableApplicationContext context = APPLICATIONS.computeIfAbsent(target, t ->
                new SpringApplicationBuilder(SessionTestApplication.class).run(
                        "--spring.config.name=compat-spring", // not kv-server's application.yml, on this classpath
                        "--spring.application.name=compat-session",
                        "--server.port=0",
                        "--spring.data.redis.host=127.0.0.1",
                        "--spring.data.redis.port=" + t.port(),
                        "--spring.data.redis.timeout=5s",
                        "--spring.session.data.redis.repository-type=default",
                        "--spring.session.data.redis.namespace=" + namespace(t),
                        "--management.endpoints.enabled-by-default=false"));
        return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
    }

    /** An HTTP client with its own cookie jar, as one browser. */
    private static final class Browser {

        private final HttpClient client;
        private final CookieManager cookies;
        private final int port;

        Browser(Target target) {
            this(target, new CookieManager());
        }

        /** A new client with {@code other}'s cookies. */
        Browser(Target target, Browser other) {
            this(target, other.cookies);
        }

        private Browser(Target target, CookieManager cookies) {
            this.cookies = cookies;
            this.port = applicationPort(target);
            this.client = HttpClient.newBuilder().cookieHandler(cookies).connectTimeout(Duration.ofSeconds(5)).build();
        }

        String get(String path) throws IOException, InterruptedException {
            return send(HttpRequest.newBuilder(uri(path)).GET());
        }

        String post(String path) throws IOException, InterruptedException {
            return send(HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.noBody()));
        }

        private URI uri(String path) {
            return URI.create("http://127.0.0.1:" + port + path);
        }

        private String send(HttpRequest.Builder request) throws IOException, InterruptedException {
            HttpResponse<String> response = client.send(request.timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as("HTTP status of %s: %s", response.uri(), response.body())
                    .isEqualTo(200);
            return response.body();
        }
    }
}
