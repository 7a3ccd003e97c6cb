package kv.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;

import javax.net.ssl.SSLContext;

import kv.server.testing.TlsClients;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/**
 * {@code kv.server.tls-handshake-timeout}: a client of the TLS port that has not finished its
 * handshake in time (it sent nothing, or half a ClientHello) is closed, while the clients of
 * both ports that did are served on, before and after.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
@DirtiesContext
class TlsHandshakeTimeoutTest extends TlsServerTest {

    @DynamicPropertySource
    static void handshakeTimeout(DynamicPropertyRegistry registry) {
        registry.add("kv.server.tls-handshake-timeout", () -> "2s");
    }

    @Test
    void aClientThatSendsNothingOrHalfAClientHelloIsClosedAndTheOthersAreServedOn() throws IOException {
        try (Jedis tls = handshaken();
             Jedis plain = new Jedis(new HostAndPort("127.0.0.1", plainPort),
                     DefaultJedisClientConfig.builder().socketTimeoutMillis(20_000).build());
             Socket silent = new Socket("127.0.0.1", tlsPort);
             Socket halfHello = new Socket("127.0.0.1", tlsPort)) {
            // A record header that promises a handshake message of 512 bytes, and then one byte of it.
            halfHello.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01});
            halfHello.getOutputStream().flush();
            assertThat(plain.ping()).isEqualTo("PONG");

            assertThat(closedByServer(silent)).as("the silent client is closed").isTrue();
            assertThat(closedByServer(halfHello)).as("the client that sent half a ClientHello is closed").isTrue();
            assertThat(tls.ping()).as("after the deadline, the TLS client served on").isEqualTo("PONG");
            assertThat(plain.ping()).isEqualTo("PONG");
        }
    }

    /**
     * A TLS client that has finished its handshake. The JVM's first handshakes are slow (cold
     * code, key generation) and may pass the timeout on a loaded machine: then the next try, on
     * warm code, does it.
     */
    private static Jedis handshaken() {
        SSLContext context = TlsClients.context(certs.caCert(), certs.clientCert(), certs.clientKey());
        for (int attempt = 1; ; attempt++) {
            Jedis tls = new Jedis(new HostAndPort("127.0.0.1", tlsPort), DefaultJedisClientConfig.builder()
                    .ssl(true).sslSocketFactory(context.getSocketFactory()).socketTimeoutMillis(20_000).build());
            try {
                assertThat(tls.ping()).isEqualTo("PONG");
                return tls;
            }
            catch (redis.clients.jedis.exceptions.JedisConnectionException e) {
                tls.close();
                if (attempt == 5) {
                    throw e;
                }
            }
        }
    }

    /** True if the server closes the socket (end of stream or a reset) within 30 s; it sends no TLS alert first for a silent client. */
    private static boolean closedByServer(Socket socket) throws IOException {
        socket.setSoTimeout(30_000);
        try {
            while (true) {
                if (socket.getInputStream().read() < 0) {
                    return true;
                }
            }
        }
        catch (SocketTimeoutException e) {
            return false;
        }
        catch (IOException reset) {
            return true;
        }
    }
}
