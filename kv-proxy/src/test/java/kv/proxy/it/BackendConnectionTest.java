package kv.proxy.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import kv.proxy.backend.Backends;
import kv.proxy.testing.ProxyRunner;
import kv.proxy.testing.ScriptedBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * The proxy's connections to a backend are driven by its event loop, which also reads their
 * replies: the loop must never wait for a pooled connection (only a reply it reads itself could
 * free one) nor for a connect, and a connection the backend drops must fail its request at once.
 */
class BackendConnectionTest {

    private final ExecutorService executor = Executors.newCachedThreadPool();
    private ScriptedBackend backend;
    private ProxyRunner proxy;

    @BeforeEach
    void start() throws Exception {
        backend = new ScriptedBackend();
        proxy = ProxyRunner.start(List.of(backend.port()), "kv.proxy.pool-size=1", "kv.proxy.timeouts.reply=10s");
        proxy.awaitCoherent();
    }

    @AfterEach
    void stop() throws Exception {
        executor.shutdownNow();
        proxy.close();
        backend.close();
    }

    @Test
    void requestsBeyondThePoolWaitWithoutBlockingTheLoopAndLeaveTogether() throws Exception {
        for (String key : List.of("a", "b", "c", "d")) {
            backend.set(key, "value-" + key);
        }
        backend.holdGets();
        Future<String> first = executor.submit(() -> get("a"));
        assertThat(backend.awaitHeldGet(5000)).as("the first GET is in flight, held").isTrue();

        List<Future<String>> queued = new ArrayList<>();
        for (String key : List.of("b", "c", "d")) {
            queued.add(executor.submit(() -> get(key)));
        }
        try (Jedis other = new Jedis("127.0.0.1", proxy.port())) {
            assertThat(other.ping()).as("the loop serves clients while GETs wait for the pool").isEqualTo("PONG");
        }
        Thread.sleep(300); // room for a GET to reach the backend if the pool's one request in flight were exceeded
        assertThat(backend.gets()).as("pool-size=1: one request in flight").isEqualTo(1);

        backend.releaseGets();
        assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo("value-a");
        for (int i = 0; i < queued.size(); i++) {
            assertThat(queued.get(i).get(5, TimeUnit.SECONDS)).isEqualTo("value-" + "bcd".charAt(i));
        }
        assertThat(backend.gets()).isEqualTo(4);
        assertThat(backend.connections()).as("the invalidation stream, plus pool-size + 1 data connections at most")
                .isLessThanOrEqualTo(3);
    }

    @Test
    void aBackendThatHangsUpMidRequestIsAnErrorAtOnceNotAfterTheReplyTimeout() throws Exception {
        backend.set("k", "v");
        backend.dropGets();
        try (Jedis client = new Jedis("127.0.0.1", proxy.port(), 5_000)) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> client.get("k")).isInstanceOf(JedisDataException.class)
                    .hasMessageContaining("unavailable");
            assertThat((System.nanoTime() - start) / 1_000_000).as("the reply timeout is 10 s").isLessThan(3_000);
        }
    }

    /**
     * A listening socket that accepts nothing, its accept queue filled: further connects to it
     * hang, as to a host that silently drops packets (all on loopback).
     */
    private static final class BlackHole implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        private final List<Socket> queued = new ArrayList<>();

        BlackHole() throws IOException {
            for (int i = 0; i < 16; i++) {
                Socket socket = new Socket();
                try {
                    socket.connect(server.getLocalSocketAddress(), 300);
                    queued.add(socket);
                }
                catch (IOException e) {
                    socket.close();
                    return; // the queue is full: connects hang from now on
                }
            }
            throw new IllegalStateException("could not fill the accept queue");
        }

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            for (Socket socket : queued) {
                socket.close();
            }
            server.close();
        }
    }

    @Test
    void aBackendWhoseConnectHangsDoesNotHoldUpTheLoop() throws Exception {
        try (BlackHole hole = new BlackHole();
             ProxyRunner two = ProxyRunner.start(List.of(backend.port(), hole.port()),
                     "kv.proxy.timeouts.connect=5s", "kv.proxy.timeouts.reply=10s")) {
            Backends backends = two.bean(Backends.class);
            String holeKey = null;
            for (int i = 0; holeKey == null; i++) {
                String key = "k" + i;
                if (backends.owner(key.getBytes(StandardCharsets.UTF_8)).address().port() == hole.port()) {
                    holeKey = key;
                }
            }
            // Whatever its invalidation listener has found so far, the backend counts as UP, as if
            // it had just gone dark, so the GET opens a pooled connection to it.
            backends.owner(holeKey.getBytes(StandardCharsets.UTF_8)).markUp();
            String stuck = holeKey;
            Future<Throwable> waiting = executor.submit(() -> {
                try (Jedis client = new Jedis("127.0.0.1", two.port(), 15_000)) {
                    client.get(stuck);
                    return null;
                }
                catch (RuntimeException e) {
                    return e;
                }
            });
            Thread.sleep(300); // the GET is waiting for its connection
            long start = System.nanoTime(); // Jedis sends a command when it connects
            try (Jedis other = new Jedis("127.0.0.1", two.port(), 10_000)) {
                assertThat(other.ping()).isEqualTo("PONG");
                assertThat((System.nanoTime() - start) / 1_000_000).as("served while the connect hangs (5 s timeout)")
                        .isLessThan(3_000);
            }
            assertThat(waiting.get(10, TimeUnit.SECONDS)).as("the GET gets an error once the connect times out")
                    .isInstanceOf(JedisDataException.class).hasMessageContaining("unavailable");
        }
    }

    private String get(String key) {
        try (Jedis client = new Jedis("127.0.0.1", proxy.port(), 15_000)) {
            return client.get(key);
        }
    }
}
