package kv.proxy.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import kv.proxy.KvProxyApplication;
import kv.proxy.backend.Backends;
import kv.proxy.cache.CoherentCache;
import kv.server.testing.Actuator;
import kv.server.testing.KvServerProcess;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A kv-proxy in this JVM on a free port, in front of the given backends, with short timeouts so
 * that failure tests run fast. Actuator listens on a random port too ({@link #actuatorPort()}), with
 * {@link Actuator#USER} as its user.
 */
public final class ProxyRunner implements AutoCloseable {

    private final ConfigurableApplicationContext context;
    private final int port;

    private ProxyRunner(ConfigurableApplicationContext context, int port) {
        this.context = context;
        this.port = port;
    }

    public static ProxyRunner start(List<Integer> backendPorts, String... extraProperties) throws IOException {
        return start(backendPorts, new Class<?>[0], extraProperties);
    }

    /** With extra configuration classes, e.g. one that provides a {@code @Primary} test clock. */
    public static ProxyRunner start(List<Integer> backendPorts, Class<?>[] extraSources, String... extraProperties)
            throws IOException {
        int port = KvServerProcess.freePort();
        List<String> backends = new ArrayList<>();
        for (int backendPort : backendPorts) {
            backends.add("127.0.0.1:" + backendPort);
        }
        List<String> properties = new ArrayList<>(List.of(
                "kv.proxy.port=" + port,
                "kv.proxy.backends=" + String.join(",", backends),
                "kv.proxy.timeouts.reply=1s",
                "kv.proxy.timeouts.heartbeat=200ms",
                "kv.proxy.timeouts.reconnect-max=200ms",
                "server.port=0",
                "spring.security.user.name=" + Actuator.USER,
                "spring.security.user.password=" + Actuator.PASSWORD));
        for (String extra : extraProperties) {
            String key = extra.substring(0, extra.indexOf('=') + 1);
            properties.removeIf(property -> property.startsWith(key)); // an extra one replaces a default
            properties.add(extra);
        }
        // As command-line arguments: they override application.yml (builder "properties" would not).
        String[] args = properties.stream().map(property -> "--" + property).toArray(String[]::new);
        ConfigurableApplicationContext context = new SpringApplicationBuilder(KvProxyApplication.class)
                .sources(extraSources).run(args);
        return new ProxyRunner(context, port);
    }

    public int port() {
        return port;
    }

    public int actuatorPort() {
        return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
    }

    public CoherentCache cache() {
        return context.getBean(CoherentCache.class);
    }

    /** Waits until every backend's invalidation stream is subscribed, so its keys are cached. */
    public ProxyRunner awaitCoherent() {
        Backends backends = bean(Backends.class);
        Await.until("the cache to turn coherent", Duration.ofSeconds(10),
                () -> backends.all().stream().allMatch(cache()::isCoherent));
        return this;
    }

    /** A write whose invalidation a test waits for. */
    public interface Write {
        void run() throws Exception;
    }

    /**
     * Runs {@code write} and waits until the invalidation it causes has reached this proxy (Redis
     * tracks in BCAST mode and kv-server likewise: every write is pushed, after its reply). One
     * arriving after the next GET would withdraw the value that GET cached: rightly, as far as
     * the proxy knows it may be older than the write, but a test that counts hits must not race it.
     */
    public void awaitInvalidationOf(Write write) throws Exception {
        long pushed = cache().stats().pushInvalidations();
        write.run();
        Await.until("the write's invalidation to reach the proxy", Duration.ofSeconds(5),
                () -> cache().stats().pushInvalidations() > pushed);
    }

    /** A meter's value as the Actuator serves it over HTTP, e.g. {@code metric("cache.gets", "result:hit")}. */
    public double metric(String name, String... tags) {
        StringBuilder uri = new StringBuilder("http://127.0.0.1:" + actuatorPort() + "/actuator/metrics/" + name);
        for (int i = 0; i < tags.length; i++) {
            uri.append(i == 0 ? '?' : '&').append("tag=").append(tags[i]);
        }
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(uri.toString())).build(), HttpResponse.BodyHandlers.ofString());
            Matcher value = Pattern.compile("\\{\"statistic\":\"(?:COUNT|VALUE)\",\"value\":([0-9.E+-]+)\\}")
                    .matcher(response.body());
            if (response.statusCode() != 200 || !value.find()) {
                throw new AssertionError(uri + " answered " + response.statusCode() + ": " + response.body());
            }
            return Double.parseDouble(value.group(1));
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    @Override
    public void close() {
        context.close();
    }
}
