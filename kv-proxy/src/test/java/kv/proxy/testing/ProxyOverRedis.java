package kv.proxy.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A kv-proxy in front of real {@code redis-server}s, started once for a test class and stopped
 * after its last test: the set-up most of kv-proxy's integration tests share.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final ProxyOverRedis setup = ProxyOverRedis.backends(2);
 * ...
 * new Jedis("127.0.0.1", setup.proxy().port());
 * new Jedis("127.0.0.1", setup.redis(0).port()); // straight to a backend
 * }</pre>
 *
 * The class's tests are skipped (an assumption) where redis-server is not installed. The proxy
 * is coherent (its invalidation streams subscribed) before the first test runs.
 */
public final class ProxyOverRedis implements BeforeAllCallback, AfterAllCallback {

    private final int backends;
    private final String[] proxyProperties;
    private final List<RedisServerProcess> redis = new ArrayList<>();
    private Path work;
    private ProxyRunner proxy;

    private ProxyOverRedis(int backends, String[] proxyProperties) {
        this.backends = backends;
        this.proxyProperties = proxyProperties.clone();
    }

    /** {@code count} Redis servers behind one proxy, started with {@code proxyProperties} ({@code name=value}). */
    public static ProxyOverRedis backends(int count, String... proxyProperties) {
        return new ProxyOverRedis(count, proxyProperties);
    }

    public ProxyRunner proxy() {
        return proxy;
    }

    /** The {@code index}th backend (0-based, in the order the proxy was given them). */
    public RedisServerProcess redis(int index) {
        return redis.get(index);
    }

    /** A folder of the class's own, removed after it (the Redis servers' logs are in it). */
    public Path work() {
        return work;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        assumeTrue(RedisServerProcess.available(), "redis-server is not installed");
        work = Files.createTempDirectory("kv-proxy-" + context.getRequiredTestClass().getSimpleName());
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < backends; i++) {
            RedisServerProcess server = RedisServerProcess.start(work);
            redis.add(server);
            ports.add(server.port());
        }
        proxy = ProxyRunner.start(ports, proxyProperties).awaitCoherent();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (proxy != null) {
            proxy.close();
        }
        for (RedisServerProcess server : redis) {
            server.close();
        }
        if (work != null) {
            delete(work);
        }
    }

    private static void delete(Path folder) throws IOException {
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
