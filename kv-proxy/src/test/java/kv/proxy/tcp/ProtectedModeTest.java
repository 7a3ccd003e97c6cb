package kv.proxy.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import kv.proxy.testing.ProxyRunner;
import kv.proxy.testing.RedisServerProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kv-proxy's protected mode, as kv-server's: bound to every interface without a password, a
 * client from 127.0.0.2 (still loopback) is refused with -DENIED and closed; with a password it
 * is served after AUTH.
 */
class ProtectedModeTest {

    @TempDir
    Path work;

    @Test
    void withoutAPasswordAClientFromAnotherAddressIsDenied() throws Exception {
        assumeTrue(RedisServerProcess.available(), "redis-server is not installed");
        try (RedisServerProcess redis = RedisServerProcess.start(work);
             ProxyRunner proxy = ProxyRunner.start(List.of(redis.port()), "kv.proxy.bind=0.0.0.0")) {
            String answer = exchange(proxy.port(), "PING\r\n");
            assertThat(answer).startsWith("-DENIED Redis is running in protected mode because protected mode is"
                    + " enabled and no password is set for the default user.").contains("kv.proxy.requirepass");
        }
    }

    @Test
    void withAPasswordItIsServedAfterAuth() throws Exception {
        assumeTrue(RedisServerProcess.available(), "redis-server is not installed");
        try (RedisServerProcess redis = RedisServerProcess.start(work);
             ProxyRunner proxy = ProxyRunner.start(List.of(redis.port()), "kv.proxy.bind=0.0.0.0",
                     "kv.proxy.requirepass=pw")) {
            assertThat(exchange(proxy.port(), "PING\r\nAUTH pw\r\nPING\r\nQUIT\r\n"))
                    .isEqualTo("-NOAUTH Authentication required.\r\n+OK\r\n+PONG\r\n+OK\r\n");
        }
    }

    /** Sends {@code requests} from 127.0.0.2 and reads until the proxy closes the connection. */
    private static String exchange(int port, String requests) throws IOException {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 0));
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(requests.getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        }
    }
}
