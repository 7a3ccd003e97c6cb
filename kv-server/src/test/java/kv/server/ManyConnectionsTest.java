package kv.server;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.channels.SocketChannel;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import kv.protocol.endpoint.ClientRegistry;
import kv.protocol.endpoint.RespServerConnectionFactory;
import kv.server.session.ClientSession;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * 2,000 connections at once, each served; once they close, the server holds none of them: a
 * closed connection leaves the factory's list at once, not when the next accept walks the whole
 * list (Spring Integration's harvestClosedConnections(), which made accepting O(n)).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {"kv.server.port=0", "kv.server.max-clients=2100"})
class ManyConnectionsTest extends RunningServerTest {

    private static final int CONNECTIONS = 2000;

    @Autowired
    RespServerConnectionFactory factory;

    @Autowired
    ClientRegistry<ClientSession> clients;

    @Test
    void twoThousandConnectionsAreEachServedAndForgottenOnceClosed() throws Exception {
        List<SocketChannel> channels = new ArrayList<>();
        try {
            for (int i = 0; i < CONNECTIONS; i++) {
                channels.add(SocketChannel.open(new InetSocketAddress("127.0.0.1", factory.getPort())));
            }
            for (SocketChannel channel : channels) {
                channel.write(ByteBuffer.wrap("PING\r\n".getBytes(StandardCharsets.US_ASCII)));
            }
            int served = 0;
            for (SocketChannel channel : channels) {
                channel.socket().setSoTimeout(10_000);
                InputStream in = channel.socket().getInputStream();
                byte[] reply = in.readNBytes(7);
                if (new String(reply, StandardCharsets.US_ASCII).equals("+PONG\r\n")) {
                    served++;
                }
            }
            assertThat(served).isEqualTo(CONNECTIONS);
            assertThat(clients.connected()).isEqualTo(CONNECTIONS);
            assertThat(factory.connectionCount()).isEqualTo(CONNECTIONS);
        }
        finally {
            for (SocketChannel channel : channels) {
                close(channel);
            }
        }
        long deadline = System.nanoTime() + 10_000_000_000L;
        while ((clients.connected() > 0 || factory.connectionCount() > 0) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(clients.connected()).isZero();
        assertThat(factory.connectionCount()).as("connections the factory still holds, with no accept since").isZero();
    }

    private static void close(SocketChannel channel) {
        try {
            channel.close();
        }
        catch (IOException ignored) {
            // closing anyway
        }
    }
}
