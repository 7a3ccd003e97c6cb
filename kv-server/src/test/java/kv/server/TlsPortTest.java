package kv.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SslOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import kv.protocol.endpoint.RespServerConnectionFactory;
import kv.server.testing.TlsClients;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kv-server's TLS port ({@code kv.server.tls-port}) beside its plain port, with client
 * certificates required ({@code tls-auth-clients yes}, Redis's default): redis-cli, Jedis and
 * Lettuce over TLS; clients without a certificate, with one from another CA, or offering TLS 1.1
 * refused; and hostile TLS clients (silent, plain text, trickled records, abrupt closes,
 * renegotiation) never keep a client of the plain port from being answered.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
@DirtiesContext
class TlsPortTest extends TlsServerTest {

    @Autowired
    RespServerConnectionFactory factory;

    List<String> cli(String... args) {
        List<String> all = new java.util.ArrayList<>(List.of("-h", "127.0.0.1", "-p", Integer.toString(tlsPort),
                "--tls", "--cacert", certs.caCert().toString()));
        all.addAll(List.of(args));
        return all;
    }

    Jedis plainClient() {
        return new Jedis(new HostAndPort("127.0.0.1", plainPort),
                DefaultJedisClientConfig.builder().socketTimeoutMillis(5_000).build());
    }

    Jedis tlsClient(int port) {
        SSLContext context = TlsClients.context(certs.caCert(), certs.clientCert(), certs.clientKey());
        return new Jedis(new HostAndPort("127.0.0.1", port), DefaultJedisClientConfig.builder().ssl(true)
                .sslSocketFactory(context.getSocketFactory()).socketTimeoutMillis(5_000).build());
    }

    @Test
    void configGetAnswersTheTlsSettingsByRedissNamesAndInfoTellsWhenTheCertificateExpires() {
        try (Jedis plain = plainClient()) {
            java.util.Map<String, String> config = plain.configGet("tls-*");
            assertThat(config).containsEntry("tls-port", Integer.toString(tlsPort))
                    .containsEntry("tls-cert-file", certs.serverCert().toString())
                    .containsEntry("tls-key-file", certs.serverKey().toString())
                    .containsEntry("tls-ca-cert-file", certs.caCert().toString())
                    .containsEntry("tls-auth-clients", "yes")
                    .containsEntry("tls-protocols", "TLSv1.2 TLSv1.3")
                    .containsEntry("tls-key-file-pass", "")
                    .containsKeys("tls-ciphersuites", "tls-ciphers", "tls-client-cert-file");
            String server = plain.info("server");
            assertThat(server).contains("tls_port:" + tlsPort + "\r\n");
            String expires = server.replaceAll("(?s).*tls_cert_expires:(\\S+).*", "$1");
            assertThat(java.time.Instant.parse(expires)).as("the certificate's notAfter").isAfter(java.time.Instant.now());
            long before = connectedClients(plain);
            try (Jedis tls = tlsClient(tlsPort)) {
                assertThat(tls.ping()).isEqualTo("PONG");
                assertThat(connectedClients(plain)).as("a TLS client is counted").isEqualTo(before + 1);
            }
        }
    }

    private static long connectedClients(Jedis jedis) {
        return Long.parseLong(jedis.info("clients").replaceAll("(?s).*connected_clients:(\\d+).*", "$1"));
    }

    @Test
    void bothPortsListen() {
        assertThat(factory.getPort()).isEqualTo(plainPort);
        assertThat(factory.getTlsPort()).isEqualTo(tlsPort);
    }

    @Test
    void redisCliWithTlsAndAClientCertificateIsServed() throws IOException {
        String out = TlsClients.redisCli(cli("--cert", certs.clientCert().toString(), "--key", certs.clientKey().toString(),
                "SET", "tls:cli", "over tls"));
        assertThat(out.trim()).isEqualTo("OK");
        out = TlsClients.redisCli(cli("--cert", certs.clientCert().toString(), "--key", certs.clientKey().toString(),
                "GET", "tls:cli"));
        assertThat(out.trim()).isEqualTo("over tls");
        try (Jedis plain = plainClient()) {
            assertThat(plain.get("tls:cli")).isEqualTo("over tls"); // one store behind both ports
        }
    }

    @Test
    void redisCliWithoutAClientCertificateIsRefused() throws IOException {
        String out = TlsClients.redisCli(cli("PING"));
        assertThat(out).doesNotContain("PONG");
    }

    @Test
    void aClientCertificateSignedByAnotherCaIsRefused() throws IOException {
        String out = TlsClients.redisCli(cli("--cert", certs.strangerCert().toString(), "--key",
                certs.strangerKey().toString(), "PING"));
        assertThat(out).doesNotContain("PONG");
    }

    @Test
    void tls11IsRefusedAndTls12And13AreSpoken() throws IOException {
        List<String> common = List.of("-connect", "127.0.0.1:" + tlsPort, "-CAfile", certs.caCert().toString(),
                "-cert", certs.clientCert().toString(), "-key", certs.clientKey().toString(), "-ign_eof");
        String old = TlsClients.sClient(concat(common, "-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0"), "PING\r\n");
        assertThat(old).doesNotContain("+PONG");
        for (String version : List.of("-tls1_2", "-tls1_3")) {
            String out = TlsClients.sClient(concat(common, version), "PING\r\nQUIT\r\n");
            assertThat(out).as(version).contains("+PONG");
        }
    }

    @Test
    void jedisOverTlsIsServed() {
        try (Jedis jedis = tlsClient(tlsPort)) {
            assertThat(jedis.set("tls:jedis", "1")).isEqualTo("OK");
            assertThat(jedis.incr("tls:jedis")).isEqualTo(2);
            // A pipeline larger than one TLS record (16 KB) each way.
            var pipeline = jedis.pipelined();
            String big = "v".repeat(40_000);
            for (int i = 0; i < 50; i++) {
                pipeline.set("tls:big:" + i, big);
            }
            for (int i = 0; i < 50; i++) {
                pipeline.get("tls:big:" + i);
            }
            List<Object> replies = pipeline.syncAndReturnAll();
            assertThat(replies).hasSize(100);
            assertThat(replies.subList(50, 100)).allMatch(big::equals);
        }
    }

    @Test
    void lettuceOverTlsWithAClientCertificateIsServed() {
        RedisURI uri = RedisURI.builder().withHost("localhost").withPort(tlsPort).withSsl(true).withVerifyPeer(true).build();
        RedisClient client = RedisClient.create(uri);
        try {
            client.setOptions(ClientOptions.builder().sslOptions(SslOptions.builder().jdkSslProvider()
                    .trustManager(certs.caCert().toFile())
                    .keyManager(certs.clientCert().toFile(), certs.clientKey().toFile(), null).build()).build());
            try (StatefulRedisConnection<String, String> connection = client.connect()) {
                assertThat(connection.sync().set("tls:lettuce", "yes")).isEqualTo("OK");
                assertThat(connection.sync().get("tls:lettuce")).isEqualTo("yes");
            }
        }
        finally {
            client.shutdown();
        }
    }

    @Test
    void aClientThatOpensATlsConnectionAndSendsNothingStallsNoOne() throws IOException {
        try (Socket silent = new Socket("127.0.0.1", tlsPort); Socket halfHello = new Socket("127.0.0.1", tlsPort);
             Jedis plain = plainClient(); Jedis tls = tlsClient(tlsPort)) {
            // A record header that promises a handshake message of 512 bytes, and then nothing.
            halfHello.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01});
            halfHello.getOutputStream().flush();
            assertThat(plain.ping()).isEqualTo("PONG");
            assertThat(tls.ping()).isEqualTo("PONG");
        }
    }

    @Test
    void plainTextSentToTheTlsPortIsClosedAndStallsNoOne() throws IOException {
        try (Socket confused = new Socket("127.0.0.1", tlsPort); Jedis plain = plainClient()) {
            confused.setSoTimeout(5_000);
            confused.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            confused.getOutputStream().flush();
            assertThat(plain.ping()).isEqualTo("PONG");
            // Closed without a RESP reply (TLS alerts are not RESP).
            byte[] answer = readToEnd(confused.getInputStream());
            assertThat(new String(answer, StandardCharsets.ISO_8859_1)).doesNotContain("PONG");
        }
    }

    @Test
    void aTlsClientWhoseRecordsArriveAFewBytesAtATimeIsServedAndStallsNoOne() throws Exception {
        try (Trickle trickle = new Trickle(tlsPort, 3); Jedis plain = plainClient();
             Jedis slow = tlsClient(trickle.port())) {
            Thread pinger = new Thread(() -> {
                for (int i = 0; i < 20; i++) {
                    assertThat(plain.ping()).isEqualTo("PONG");
                }
            });
            pinger.start();
            assertThat(slow.set("tls:trickled", "x".repeat(3_000))).isEqualTo("OK");
            assertThat(slow.strlen("tls:trickled")).isEqualTo(3_000);
            pinger.join(30_000);
            assertThat(pinger.isAlive()).isFalse();
        }
    }

    @Test
    void aTlsClientThatVanishesInTheMiddleOfARecordStallsNoOne() throws IOException {
        SSLContext context = TlsClients.context(certs.caCert(), certs.clientCert(), certs.clientKey());
        try (Socket raw = new Socket("127.0.0.1", tlsPort); Jedis plain = plainClient()) {
            SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(raw, "127.0.0.1", tlsPort, false);
            tls.startHandshake();
            // Half a record: a header for 1000 bytes, then 10 of them, then a reset.
            raw.getOutputStream().write(new byte[] {0x17, 0x03, 0x03, 0x03, (byte) 0xe8, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
            raw.getOutputStream().flush();
            raw.setSoLinger(true, 0);
            raw.close();
            assertThat(plain.ping()).isEqualTo("PONG");
        }
    }

    @Test
    void aClientThatRenegotiatesIsServedOnAndStallsNoOne() throws Exception {
        // s_client renegotiates on a line "R" (TLS 1.2; TLS 1.3 has no renegotiation).
        Process client = TlsClients.startSClient(List.of("-connect", "127.0.0.1:" + tlsPort, "-CAfile",
                certs.caCert().toString(), "-cert", certs.clientCert().toString(), "-key", certs.clientKey().toString(),
                "-tls1_2"));
        try (Jedis plain = plainClient()) {
            OutputStream in = client.getOutputStream();
            for (String line : List.of("PING\r\n", "R\n", "PING\r\n")) {
                in.write(line.getBytes(StandardCharsets.US_ASCII));
                in.flush();
                Thread.sleep(1_000); // s_client reads its commands a line at a time, as typed
                assertThat(plain.ping()).isEqualTo("PONG");
            }
            in.write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
            in.flush();
            Thread.sleep(500);
            in.close();
            String out = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(out).contains("RENEGOTIATING");
            assertThat(out.split("\\+PONG", -1)).as("a PONG before and after the renegotiation").hasSize(3);
        }
        finally {
            client.destroyForcibly();
        }
    }

    private static List<String> concat(List<String> list, String... more) {
        List<String> all = new java.util.ArrayList<>(list);
        all.addAll(List.of(more));
        return all;
    }

    private static byte[] readToEnd(InputStream in) {
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        byte[] buffer = new byte[1024];
        try {
            for (int n; (n = in.read(buffer)) > 0 && all.size() < 1 << 20; ) {
                all.write(buffer, 0, n);
            }
        }
        catch (IOException endedByReset) {
            // closed either way
        }
        return all.toByteArray();
    }

    /**
     * A relay on loopback that passes a client's bytes to the server {@code chunk} bytes at a
     * time, a millisecond apart, so that the server sees each TLS record in many pieces.
     */
    static final class Trickle implements AutoCloseable {
        private final ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        private final Thread relay;
        private volatile Socket client;
        private volatile Socket server;

        Trickle(int target, int chunk) throws IOException {
            relay = new Thread(() -> {
                try {
                    client = listener.accept();
                    server = new Socket("127.0.0.1", target);
                    server.setTcpNoDelay(true);
                    Thread back = new Thread(() -> pump(server, client, 1 << 16, false));
                    back.setDaemon(true);
                    back.start();
                    pump(client, server, chunk, true);
                }
                catch (IOException ignored) {
                    // the test ends it
                }
            });
            relay.setDaemon(true);
            relay.start();
        }

        int port() {
            return listener.getLocalPort();
        }

        private static void pump(Socket from, Socket to, int chunk, boolean slowly) {
            byte[] buffer = new byte[chunk];
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                for (int n; (n = in.read(buffer)) > 0; ) {
                    out.write(buffer, 0, n);
                    out.flush();
                    if (slowly) {
                        Thread.sleep(1);
                    }
                }
            }
            catch (IOException | InterruptedException ignored) {
                // closed
            }
        }

        @Override
        public void close() throws IOException {
            listener.close();
            for (Socket s : new Socket[] {client, server}) {
                if (s != null) {
                    s.close();
                }
            }
        }
    }
}
