package kv.proxy.it;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import javax.net.ssl.SSLContext;

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
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.exceptions.JedisDataException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * kv-proxy with a TLS port of its own ({@code kv.proxy.tls-port}, client certificates required)
 * in front of Debian's redis-server speaking TLS with {@code requirepass}, reached as
 * {@code rediss://:password@localhost:port}: every connection the proxy opens to it (the
 * pooled ones of the event loops, a transaction's, pub/sub's, the invalidation stream's) is
 * TLS, checks the certificate and logs in; the proxy's clients' {@code AUTH} never reaches it.
 */
class TlsThroughTheProxyTest {

    static final String PASSWORD = "backend-s3cret";

    @TempDir
    static Path work;

    static TestCertificates certs;
    static RedisServerProcess redis;
    static int redisTlsPort;
    static ProxyRunner proxy;
    static int proxyTlsPort;

    @BeforeAll
    static void start() throws IOException {
        Assumptions.assumeTrue(RedisServerProcess.available(), "redis-server is not installed");
        certs = TestCertificates.createIn(java.nio.file.Files.createDirectories(work.resolve("certs")));
        redisTlsPort = KvServerProcess.freePort();
        redis = RedisServerProcess.start(work, List.of("--tls-port", Integer.toString(redisTlsPort),
                "--tls-cert-file", certs.serverCert().toString(), "--tls-key-file", certs.serverKey().toString(),
                "--tls-ca-cert-file", certs.caCert().toString(), "--tls-auth-clients", "no",
                "--requirepass", PASSWORD));
        proxyTlsPort = KvServerProcess.freePort();
        proxy = startProxy("rediss://:" + PASSWORD + "@localhost:" + redisTlsPort, certs.caCert(), proxyTlsPort);
        proxy.awaitCoherent(); // the invalidation stream: TLS, AUTH, HELLO 3, CLIENT TRACKING
    }

    static ProxyRunner startProxy(String backend, Path ca, int tlsPort) throws IOException {
        return ProxyRunner.start(List.of(), "kv.proxy.backends=" + backend,
                "kv.proxy.tls-port=" + tlsPort,
                "kv.proxy.tls-cert-file=" + certs.serverCert(), "kv.proxy.tls-key-file=" + certs.serverKey(),
                "kv.proxy.tls-ca-cert-file=" + ca);
    }

    @AfterAll
    static void stop() throws Exception {
        if (proxy != null) {
            proxy.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    static Jedis tlsClient() {
        SSLContext context = TlsClients.context(certs.caCert(), certs.clientCert(), certs.clientKey());
        return new Jedis(new HostAndPort("127.0.0.1", proxyTlsPort), DefaultJedisClientConfig.builder().ssl(true)
                .sslSocketFactory(context.getSocketFactory()).socketTimeoutMillis(5_000).build());
    }

    static String cli(int port, String... args) throws IOException {
        List<String> all = new ArrayList<>(List.of("-h", "127.0.0.1", "-p", Integer.toString(port), "--tls",
                "--cacert", certs.caCert().toString(), "--cert", certs.clientCert().toString(),
                "--key", certs.clientKey().toString()));
        all.addAll(List.of(args));
        return TlsClients.redisCli(all).trim();
    }

    @Test
    void configGetAnswersTheProxysTlsSettingsByRedissNamesAndInfoTellsWhenTheCertificateExpires() {
        try (Jedis jedis = tlsClient()) {
            java.util.Map<String, String> config = jedis.configGet("tls-*");
            assertThat(config).containsEntry("tls-port", Integer.toString(proxyTlsPort))
                    .containsEntry("tls-cert-file", certs.serverCert().toString())
                    .containsEntry("tls-ca-cert-file", certs.caCert().toString())
                    .containsEntry("tls-auth-clients", "yes")
                    .containsEntry("tls-key-file-pass", "");
            assertThat(jedis.info("server")).contains("tls_port:" + proxyTlsPort + "\r\n")
                    .containsPattern("tls_cert_expires:20[0-9][0-9]-");
        }
    }

    @Test
    void redisCliOverTlsThroughTheProxyReachesTheTlsBackendWithItsPassword() throws IOException {
        assertThat(cli(proxyTlsPort, "SET", "tls:proxy", "through")).isEqualTo("OK");
        assertThat(cli(proxyTlsPort, "GET", "tls:proxy")).isEqualTo("through");
        // On Redis itself, over its TLS port, with its password: the proxy wrote it there.
        assertThat(cli(redisTlsPort, "--no-auth-warning", "-a", PASSWORD, "GET", "tls:proxy")).isEqualTo("through");
    }

    @Test
    void jedisOverTlsGetsCachedReadsTransactionsAndPubSubThroughTheProxy() throws Exception {
        try (Jedis jedis = tlsClient()) {
            assertThat(jedis.set("tls:j", "1")).isEqualTo("OK");
            assertThat(jedis.get("tls:j")).isEqualTo("1");
            assertThat(jedis.get("tls:j")).isEqualTo("1");
            Transaction multi = jedis.multi(); // a pinned connection: TLS and AUTH too
            multi.incr("tls:j");
            multi.incr("tls:j");
            assertThat(multi.exec()).containsExactly(2L, 3L);
            assertThat(jedis.get("tls:j")).as("the cached 1 was invalidated over the TLS stream").isEqualTo("3");
        }
        // Pub/sub: the proxy's subscriber connection to Redis is TLS and logged in.
        java.util.concurrent.CompletableFuture<String> received = new java.util.concurrent.CompletableFuture<>();
        JedisPubSub listener = new JedisPubSub() {
            @Override
            public void onMessage(String channel, String message) {
                received.complete(message);
                unsubscribe();
            }

            @Override
            public void onSubscribe(String channel, int count) {
                try (Jedis publisher = tlsClient()) {
                    publisher.publish("tls:news", "hello");
                }
            }
        };
        try (Jedis subscriber = tlsClient()) {
            subscriber.subscribe(listener, "tls:news");
        }
        assertThat(received.get(5, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("hello");
    }

    @Test
    void aClientsAuthIsNotForwardedToTheBackend() {
        try (Jedis jedis = tlsClient()) {
            // Were AUTH passed on, Redis would answer OK with the backend's password.
            assertThatThrownBy(() -> jedis.auth(PASSWORD)).isInstanceOf(JedisDataException.class);
            assertThat(jedis.ping()).isEqualTo("PONG");
        }
    }

    @Test
    void aWrongBackendPasswordGivesAClearErrorAndTheProxyServesOn() throws Exception {
        try (ProxyRunner wrong = startProxy("rediss://:not-it@localhost:" + redisTlsPort, certs.caCert(),
                KvServerProcess.freePort());
             Jedis jedis = new Jedis("127.0.0.1", wrong.port(), 5_000)) {
            assertThat(jedis.ping()).isEqualTo("PONG");
            assertThatThrownBy(() -> jedis.get("tls:any")).isInstanceOf(JedisDataException.class)
                    .hasMessageContaining("localhost:" + redisTlsPort);
            assertThat(jedis.ping()).isEqualTo("PONG");
        }
    }

    @Test
    void aBackendWhoseCertificateTheCaDidNotSignIsRefused() throws Exception {
        Path otherCa = certs.caCert().resolveSibling("other-ca.crt");
        try (ProxyRunner wary = startProxy("rediss://:" + PASSWORD + "@localhost:" + redisTlsPort, otherCa,
                KvServerProcess.freePort());
             Jedis jedis = new Jedis("127.0.0.1", wary.port(), 5_000)) {
            assertThatThrownBy(() -> jedis.get("tls:any")).isInstanceOf(JedisDataException.class);
        }
    }

    @Test
    void aBackendNamedByAHostNameNotInItsCertificateIsRefused() throws Exception {
        // "vm" resolves to 127.0.0.1 here (see /etc/hosts), but the certificate names localhost and 127.0.0.1 only.
        Assumptions.assumeTrue(resolvesToLoopback("vm"), "no host name 'vm' on loopback");
        try (ProxyRunner wary = startProxy("rediss://:" + PASSWORD + "@vm:" + redisTlsPort, certs.caCert(),
                KvServerProcess.freePort());
             Jedis jedis = new Jedis("127.0.0.1", wary.port(), 5_000)) {
            assertThatThrownBy(() -> jedis.get("tls:any")).isInstanceOf(JedisDataException.class);
        }
    }

    @Test
    void theProxyOverTlsToAKvServerOverTls() throws Exception {
        int kvTlsPort = KvServerProcess.freePort();
        try (KvServerProcess kv = KvServerProcess.start(work.resolve("kv"), "--kv.server.tls-port=" + kvTlsPort,
                "--kv.server.tls-cert-file=" + certs.serverCert(), "--kv.server.tls-key-file=" + certs.serverKey(),
                "--kv.server.tls-ca-cert-file=" + certs.caCert(), "--kv.server.tls-auth-clients=optional");
             ProxyRunner toKv = startProxy("rediss://localhost:" + kvTlsPort, certs.caCert(), KvServerProcess.freePort())) {
            toKv.awaitCoherent();
            try (Jedis jedis = new Jedis("127.0.0.1", toKv.port(), 5_000); Jedis direct = new Jedis("127.0.0.1", kv.port())) {
                assertThat(jedis.set("tls:kv", "v")).isEqualTo("OK");
                assertThat(jedis.get("tls:kv")).isEqualTo("v");
                assertThat(direct.get("tls:kv")).isEqualTo("v");
                assertThat(direct.clientList()).as("the proxy's connections came to the TLS port")
                        .contains("laddr=127.0.0.1:" + kvTlsPort);
            }
        }
    }

    private static boolean resolvesToLoopback(String name) {
        try {
            return java.net.InetAddress.getByName(name).isLoopbackAddress();
        }
        catch (java.net.UnknownHostException e) {
            return false;
        }
    }
}
