package kv.server.testing;

import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import redis.clients.jedis.Jedis;

/**
 * Another client PINGing kv-server in a loop (one Jedis connection) while a test runs something
 * heavy: its latencies, for a logged figure and a liveness check, never a timing assertion.
 */
public final class Pinger {

    private final AtomicBoolean pinging = new AtomicBoolean(true);
    private final long[] latencies = new long[2_000_000];
    private int pings;
    private final CompletableFuture<Void> running;

    private Pinger(int port) {
        running = CompletableFuture.runAsync(() -> {
            try (Jedis jedis = new Jedis("127.0.0.1", port, 60_000)) {
                while (pinging.get() && pings < latencies.length) {
                    long start = System.nanoTime();
                    if (!"PONG".equals(jedis.ping())) {
                        throw new IllegalStateException("PING was not answered PONG");
                    }
                    latencies[pings++] = System.nanoTime() - start;
                }
            }
        });
    }

    /** Starts PINGing the server on {@code port}. */
    public static Pinger start(int port) {
        return new Pinger(port);
    }

    /** Stops, and gives the PINGs' latencies in ns, sorted (fails if a PING failed). */
    public long[] stop() throws Exception {
        pinging.set(false);
        running.get();
        long[] sorted = Arrays.copyOf(latencies, pings);
        Arrays.sort(sorted);
        return sorted;
    }

    /** {@code 4652 PINGs meanwhile: p50 21 us, p99 2287 us, max 99595 us}. */
    public static String summary(long[] sorted) {
        if (sorted.length == 0) {
            return "no PING answered meanwhile";
        }
        return sorted.length + " PINGs meanwhile: p50 " + sorted[sorted.length / 2] / 1000 + " us, p99 "
                + sorted[(int) (sorted.length * 0.99)] / 1000 + " us, max " + sorted[sorted.length - 1] / 1000 + " us";
    }
}
