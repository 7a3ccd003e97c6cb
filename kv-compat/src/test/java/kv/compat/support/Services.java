package kv.compat.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import kv.proxy.testing.ProxyRunner;
import kv.proxy.testing.RedisServerProcess;
import kv.server.testing.KvServerProcess;

/**
 * The services every judge talks to, started once per test JVM and stopped when it exits: a
 * {@code redis-server}, a kv-server, a kv-proxy in front of a second kv-server, and (for the
 * differential judge) a kv-proxy in front of a second {@code redis-server}. The servers' logs are
 * kept under {@code target/services-*}; the proxy runs in the test JVM and logs with it.
 *
 * <p>Design note: started once, not per test class, because two kv-server JVMs and a proxy take
 * seconds of CPU to start on a shared 2-core machine, and the judges run one after another.
 * Every judge therefore uses its own keys or flushes what it uses first.
 */
public final class Services {

    /**
     * Spring Data Redis is on the judges' classpath (the Spring scenarios need it), and so on the
     * kv processes' too: its auto-configuration would give kv-server and kv-proxy a Redis
     * connection factory and a health check for a Redis on localhost:6379. Spring Session Data Redis
     * is on it too (SpringSessionTest's application), and would store their HTTP sessions in it.
     */
    private static final String NO_SPRING_DATA_REDIS = "spring.autoconfigure.exclude="
            + "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration,"
            + "org.springframework.boot.data.redis.autoconfigure.DataRedisReactiveAutoConfiguration,"
            + "org.springframework.boot.data.redis.autoconfigure.DataRedisRepositoriesAutoConfiguration,"
            + "org.springframework.boot.session.autoconfigure.SessionAutoConfiguration,"
            + "org.springframework.boot.session.autoconfigure.SessionsEndpointAutoConfiguration,"
            + "org.springframework.boot.session.data.redis.autoconfigure.SessionDataRedisAutoConfiguration";

    private static Services instance;

    private final RedisServerProcess redis;
    private final KvServerProcess kvServer;
    private final KvServerProcess proxiedServer;
    private final ProxyRunner proxy;
    private final RedisServerProcess proxiedRedis;
    private final ProxyRunner proxyOverRedis;

    private Services(RedisServerProcess redis, KvServerProcess kvServer, KvServerProcess proxiedServer,
                     ProxyRunner proxy, RedisServerProcess proxiedRedis, ProxyRunner proxyOverRedis) {
        this.redis = redis;
        this.kvServer = kvServer;
        this.proxiedServer = proxiedServer;
        this.proxy = proxy;
        this.proxiedRedis = proxiedRedis;
        this.proxyOverRedis = proxyOverRedis;
    }

    public static synchronized Services get() {
        if (instance == null) {
            instance = start();
            Runtime.getRuntime().addShutdownHook(new Thread(instance::close, "kv-compat-services-stop"));
        }
        return instance;
    }

    private static Services start() {
        try {
            if (!RedisServerProcess.available()) {
                throw new IllegalStateException("the judges need Debian's redis-server at /usr/bin/redis-server");
            }
            Path target = Path.of("target").toAbsolutePath();
            Files.createDirectories(target);
            Path work = Files.createTempDirectory(target, "services-");
            // The two servers start together: each is a JVM that takes seconds of CPU to start.
            CompletableFuture<KvServerProcess> first = startServer(work.resolve("kv-server"));
            CompletableFuture<KvServerProcess> second = startServer(work.resolve("proxied-kv-server"));
            List<AutoCloseable> started = new java.util.ArrayList<>();
            try {
                RedisServerProcess redis = started(started, RedisServerProcess.start(work));
                KvServerProcess kvServer = started(started, first.join());
                KvServerProcess proxiedServer = started(started, second.join());
                Path proxyConfiguration = proxyConfiguration(work);
                ProxyRunner proxy = started(started, ProxyRunner.start(List.of(proxiedServer.port()), NO_SPRING_DATA_REDIS,
                        "spring.config.location=file:" + proxyConfiguration)).awaitCoherent();
                RedisServerProcess proxiedRedis = started(started, RedisServerProcess.start(work));
                ProxyRunner proxyOverRedis = started(started, ProxyRunner.start(List.of(proxiedRedis.port()),
                        NO_SPRING_DATA_REDIS, "spring.config.location=file:" + proxyConfiguration)).awaitCoherent();
                return new Services(redis, kvServer, proxiedServer, proxy, proxiedRedis, proxyOverRedis);
            }
            catch (RuntimeException | IOException e) {
                // Nothing is left running when a service fails to start (a kv-server slower than its
                // start deadline on a loaded machine): the other processes would outlive the test JVM.
                first.thenAccept(Services::closeQuietly);
                second.thenAccept(Services::closeQuietly);
                started.forEach(Services::closeQuietly);
                throw e;
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * kv-proxy's own application.yml, copied out of its jar (or classes directory). On this classpath
     * kv-server's comes first, and the proxy would read that one instead.
     */
    private static Path proxyConfiguration(Path work) throws IOException {
        Enumeration<URL> candidates = Services.class.getClassLoader().getResources("application.yml");
        while (candidates.hasMoreElements()) {
            URL candidate = candidates.nextElement();
            if (candidate.toString().contains("kv-proxy")) {
                Path copy = work.resolve("kv-proxy-application.yml");
                try (InputStream in = candidate.openStream()) {
                    Files.copy(in, copy);
                }
                return copy;
            }
        }
        throw new IllegalStateException("kv-proxy's application.yml is not on the test classpath");
    }

    private static <T extends AutoCloseable> T started(List<AutoCloseable> started, T service) {
        started.add(service);
        return service;
    }

    private static void closeQuietly(AutoCloseable service) {
        try {
            service.close();
        }
        catch (Exception e) {
            System.err.println("kv-compat: could not stop " + service + ": " + e);
        }
    }

    private static CompletableFuture<KvServerProcess> startServer(Path dir) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                Files.createDirectories(dir);
                return KvServerProcess.start(dir, "--" + NO_SPRING_DATA_REDIS);
            }
            catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /**
     * A second kv-proxy, in front of a Redis of its own: the differential judge compares it too, so
     * that a difference of the proxy's own shows apart from kv-server's.
     */
    public int proxyOverRedisPort() {
        return proxyOverRedis.port();
    }

    public int port(Target target) {
        return switch (target) {
            case REDIS -> redis.port();
            case KV_SERVER -> kvServer.port();
            case KV_PROXY -> proxy.port();
        };
    }

    private void close() {
        proxy.close();
        proxyOverRedis.close();
        for (AutoCloseable process : List.of(kvServer, proxiedServer, redis, proxiedRedis)) {
            try {
                process.close();
            }
            catch (Exception e) {
                System.err.println("kv-compat: could not stop " + process + ": " + e);
            }
        }
    }
}
