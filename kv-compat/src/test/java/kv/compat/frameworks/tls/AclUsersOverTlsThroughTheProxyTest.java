package kv.compat.frameworks.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SslOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import kv.proxy.testing.ProxyRunner;
import kv.proxy.testing.RedisServerProcess;
import kv.server.testing.KvServerProcess;
import kv.server.testing.TestCertificates;
import kv.server.testing.TlsClients;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/**
 * Jedis and Lettuce, unchanged, over TLS with client certificates to kv-proxy's TLS port,
 * logging in as the proxy's own ACL users ({@code kv.proxy.acl-file}); the proxy in front of a
 * kv-server that speaks TLS only to it and knows it as its ACL user {@code backend}
 * ({@code rediss://backend:password@localhost:port}). Wrong passwords get Redis's WRONGPASS,
 * missing permissions Redis's NOPERM, and a key a user may not read is never answered from the
 * proxy's cache. The same Lettuce client also goes through a proxy in front of Debian's
 * redis-server over TLS, as an ACL user of Redis's.
 */
class AclUsersOverTlsThroughTheProxyTest {

    static final String BACKEND_PASSWORD = "backend-pw";
    static final String ALICE_PASSWORD = "alice-pw";
    static final String ADMIN_PASSWORD = "admin-pw";

    @TempDir
    static Path work;

    static TestCertificates certs;
    static KvServerProcess kv;
    static int kvTlsPort;
    static ProxyRunner proxy;
    static int proxyTlsPort;

    @BeforeAll
    static void start() throws IOException {
        certs = TestCertificates.createIn(Files.createDirectories(work.resolve("certs")));
        Path serverUsers = Files.writeString(work.resolve("kv-server.acl"), String.join("\n",
                "user default on nopass ~* +@all", // the plain loopback port, for the start-up PING and the checks
                "user backend on >" + BACKEND_PASSWORD + " ~* +@all", ""));
        kvTlsPort = KvServerProcess.freePort();
        kv = KvServerProcess.start(work.resolve("kv"), "--kv.server.tls-port=" + kvTlsPort,
                "--kv.server.tls-cert-file=" + certs.serverCert(), "--kv.server.tls-key-file=" + certs.serverKey(),
                "--kv.server.tls-ca-cert-file=" + certs.caCert(), "--kv.server.tls-auth-clients=yes",
                "--kv.server.acl-file=" + serverUsers);
        Path proxyUsers = Files.writeString(work.resolve("kv-proxy.acl"), String.join("\n",
                "user default off",
                "user admin on >" + ADMIN_PASSWORD + " ~* +@all",
                "user alice on >" + ALICE_PASSWORD + " ~app:* +@all -incr", ""));
        proxyTlsPort = KvServerProcess.freePort();
        proxy = ProxyRunner.start(List.of(),
                "kv.proxy.backends=rediss://backend:" + BACKEND_PASSWORD + "@localhost:" + kvTlsPort,
                "kv.proxy.tls-port=" + proxyTlsPort,
                "kv.proxy.tls-cert-file=" + certs.serverCert(), "kv.proxy.tls-key-file=" + certs.serverKey(),
                "kv.proxy.tls-ca-cert-file=" + certs.caCert(), "kv.proxy.tls-auth-clients=yes",
                "kv.proxy.acl-file=" + proxyUsers);
        proxy.awaitCoherent(); // the invalidation stream: TLS, AUTH as backend, HELLO 3, CLIENT TRACKING
    }

    @AfterAll
    static void stop() throws Exception {
        if (proxy != null) {
            proxy.close();
        }
        if (kv != null) {
            kv.close();
        }
    }

    /** Jedis over TLS to the proxy with the client certificate, not logged in. */
    static Jedis jedis() {
        return new Jedis(new HostAndPort("127.0.0.1", proxyTlsPort), DefaultJedisClientConfig.builder().ssl(true)
                .sslSocketFactory(TlsClients.context(certs.caCert(), certs.clientCert(), certs.clientKey())
                        .getSocketFactory())
                .socketTimeoutMillis(5_000).build());
    }

    /** Lettuce over TLS to the proxy (peer verified, client certificate shown), logging in with HELLO 3 AUTH. */
    static RedisClient lettuce() {
        RedisClient client = RedisClient.create();
        client.setOptions(ClientOptions.builder().sslOptions(SslOptions.builder().jdkSslProvider()
                .trustManager(certs.caCert().toFile())
                .keyManager(certs.clientCert().toFile(), certs.clientKey().toFile(), null).build()).build());
        return client;
    }

    static RedisURI proxyUri(String user, String password) {
        return RedisURI.builder().withHost("localhost").withPort(proxyTlsPort).withSsl(true).withVerifyPeer(true)
                .withAuthentication(user, password.toCharArray()).withTimeout(Duration.ofSeconds(5)).build();
    }

    @Test
    void lettuceOverTlsLogsInAsTheProxysUserAndReachesTheTlsKvServerAsItsBackendUser() {
        RedisClient client = lettuce();
        try (StatefulRedisConnection<String, String> connection = client.connect(proxyUri("alice", ALICE_PASSWORD));
             Jedis direct = new Jedis("127.0.0.1", kv.port(), 5_000)) {
            assertThat(connection.sync().aclWhoami()).isEqualTo("alice");
            assertThat(connection.sync().set("app:lettuce", "over-tls")).isEqualTo("OK");
            assertThat(connection.sync().get("app:lettuce")).isEqualTo("over-tls");
            assertThat(direct.get("app:lettuce")).as("written on kv-server through the proxy").isEqualTo("over-tls");
            assertThat(direct.clientList()).as("the proxy's connections: kv-server's TLS port, as user backend")
                    .containsPattern("laddr=127\\.0\\.0\\.1:" + kvTlsPort + " .*user=backend");
            assertThatThrownBy(() -> connection.sync().get("secret:lettuce")).hasMessageContaining(
                    "NOPERM this user has no permissions to access one of the keys used as arguments");
            assertThatThrownBy(() -> connection.sync().incr("app:n")).hasMessageContaining(
                    "NOPERM this user has no permissions to run the 'incr' command");
        }
        finally {
            client.shutdown();
        }
    }

    @Test
    void lettuceOverTlsWithAWrongPasswordIsRefusedWithWrongpass() {
        RedisClient client = lettuce();
        try {
            assertThatThrownBy(() -> client.connect(proxyUri("alice", "not-it")).close())
                    .hasStackTraceContaining("WRONGPASS invalid username-password pair or user is disabled.");
            assertThatThrownBy(() -> client.connect(proxyUri("backend", BACKEND_PASSWORD)).close())
                    .as("the backend's user is kv-server's, not the proxy's")
                    .hasStackTraceContaining("WRONGPASS invalid username-password pair or user is disabled.");
        }
        finally {
            client.shutdown();
        }
    }

    @Test
    void jedisOverTlsIsRefusedUntilItLogsInAndThenOnlyWithinItsUsersRights() {
        try (Jedis jedis = jedis()) {
            assertThatThrownBy(() -> jedis.get("app:jedis")).hasMessage("NOAUTH Authentication required.");
            assertThatThrownBy(() -> jedis.auth("alice", "not-it")).hasMessage(
                    "WRONGPASS invalid username-password pair or user is disabled.");
            assertThatThrownBy(() -> jedis.auth(ADMIN_PASSWORD)).as("the default user is off").hasMessage(
                    "WRONGPASS invalid username-password pair or user is disabled.");
            assertThat(jedis.auth("alice", ALICE_PASSWORD)).isEqualTo("OK");
            assertThat(jedis.set("app:jedis", "1")).isEqualTo("OK");
            assertThat(jedis.get("app:jedis")).isEqualTo("1");
            assertThatThrownBy(() -> jedis.incr("app:jedis")).hasMessage(
                    "NOPERM this user has no permissions to run the 'incr' command");
            assertThatThrownBy(() -> jedis.set("secret:jedis", "x")).hasMessage(
                    "NOPERM this user has no permissions to access one of the keys used as arguments");
        }
    }

    @Test
    void aKeyTheUserMayNotReadIsNeverAnsweredFromTheProxysCache() throws Exception {
        try (Jedis admin = jedis(); Jedis alice = jedis()) {
            assertThat(admin.auth("admin", ADMIN_PASSWORD)).isEqualTo("OK");
            proxy.awaitInvalidationOf(() -> admin.set("secret:cached", "hidden"));
            assertThat(admin.get("secret:cached")).isEqualTo("hidden");
            long hits = proxy.cache().stats().hits();
            assertThat(admin.get("secret:cached")).isEqualTo("hidden");
            assertThat(proxy.cache().stats().hits()).as("the value is in the cache").isEqualTo(hits + 1);

            assertThat(alice.auth("alice", ALICE_PASSWORD)).isEqualTo("OK");
            assertThatThrownBy(() -> alice.get("secret:cached")).hasMessage(
                    "NOPERM this user has no permissions to access one of the keys used as arguments");
            assertThatThrownBy(() -> alice.mget("app:any", "secret:cached")).hasMessage(
                    "NOPERM this user has no permissions to access one of the keys used as arguments");
            assertThat(proxy.cache().stats().hits()).as("no cache read for alice").isEqualTo(hits + 1);
        }
    }

    @Test
    void lettuceOverTlsThroughTheProxyReachesRedisOverTlsAsRedisUser() throws Exception {
        Assumptions.assumeTrue(RedisServerProcess.available(), "redis-server is not installed");
        int redisTlsPort = KvServerProcess.freePort();
        int port = KvServerProcess.freePort();
        try (RedisServerProcess redis = RedisServerProcess.start(Files.createDirectories(work.resolve("redis")),
                List.of("--tls-port", Integer.toString(redisTlsPort),
                        "--tls-cert-file", certs.serverCert().toString(), "--tls-key-file", certs.serverKey().toString(),
                        "--tls-ca-cert-file", certs.caCert().toString(), "--tls-auth-clients", "yes",
                        "--user", "backend", "on", ">" + BACKEND_PASSWORD, "~*", "&*", "+@all"));
             ProxyRunner toRedis = ProxyRunner.start(List.of(),
                     "kv.proxy.backends=rediss://backend:" + BACKEND_PASSWORD + "@localhost:" + redisTlsPort,
                     "kv.proxy.tls-port=" + port,
                     "kv.proxy.tls-cert-file=" + certs.serverCert(), "kv.proxy.tls-key-file=" + certs.serverKey(),
                     "kv.proxy.tls-ca-cert-file=" + certs.caCert(), "kv.proxy.tls-auth-clients=yes",
                     "kv.proxy.acl-file=" + work.resolve("kv-proxy.acl"))) {
            toRedis.awaitCoherent();
            RedisClient client = lettuce();
            RedisURI uri = RedisURI.builder().withHost("localhost").withPort(port).withSsl(true).withVerifyPeer(true)
                    .withAuthentication("alice", ALICE_PASSWORD.toCharArray()).withTimeout(Duration.ofSeconds(5)).build();
            try (StatefulRedisConnection<String, String> connection = client.connect(uri);
                 Jedis direct = new Jedis("127.0.0.1", redis.port(), 5_000)) {
                assertThat(connection.sync().set("app:redis", "via-proxy")).isEqualTo("OK");
                assertThat(connection.sync().get("app:redis")).isEqualTo("via-proxy");
                assertThat(direct.get("app:redis")).as("on Redis, written by the proxy").isEqualTo("via-proxy");
                assertThat(direct.clientList()).as("the proxy's connections: Redis's TLS port, as user backend")
                        .containsPattern("laddr=127\\.0\\.0\\.1:" + redisTlsPort + " .*user=backend");
                assertThatThrownBy(() -> connection.sync().get("secret:redis")).hasMessageContaining(
                        "NOPERM this user has no permissions to access one of the keys used as arguments");
            }
            finally {
                client.shutdown();
            }
        }
    }
}
