package kv.bench.tx;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * Transactions per second, as redis-benchmark reports requests per second (redis-benchmark has no
 * MULTI/EXEC workload): {@code clients} connections each send {@code pipeline} transactions
 * {@code MULTI; SET tx:<client>:<i> v; INCR tx:counter:<client>; EXEC} in one write, read every
 * reply, and repeat until {@code transactions} have run in total. Prints one line,
 * {@code <transactions per second> <p50 ms> <p99 ms>} (latency of one pipelined round), or
 * {@code err} if a reply was not what a transaction answers.
 *
 * <pre>java -cp benchmarks.jar kv.bench.tx.TransactionLoad PORT CLIENTS PIPELINE TRANSACTIONS</pre>
 */
public final class TransactionLoad {

    private TransactionLoad() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int clients = Integer.parseInt(args[1]);
        int pipeline = Integer.parseInt(args[2]);
        long total = Long.parseLong(args[3]);
        long roundsEach = Math.max(1, total / ((long) clients * pipeline));
        LongAdder done = new LongAdder();
        List<long[]> latencies = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        boolean[] failed = {false};
        long start = System.nanoTime();
        for (int c = 0; c < clients; c++) {
            long[] rounds = new long[(int) roundsEach];
            latencies.add(rounds);
            int client = c;
            Thread thread = new Thread(() -> {
                try {
                    run(port, client, pipeline, rounds, done);
                }
                catch (IOException | RuntimeException e) {
                    synchronized (failed) {
                        failed[0] = true;
                    }
                    System.err.println("client " + client + ": " + e);
                }
            });
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (failed[0]) {
            System.out.println("err");
            return;
        }
        long[] all = latencies.stream().flatMapToLong(java.util.Arrays::stream).sorted().toArray();
        System.out.printf("%.0f %.3f %.3f%n", done.sum() / seconds, all[all.length / 2] / 1e6,
                all[(int) Math.min(all.length - 1, all.length * 0.99)] / 1e6);
    }

    private static void run(int port, int client, int pipeline, long[] rounds, LongAdder done) throws IOException {
        try (Socket socket = new Socket()) {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = new java.io.BufferedInputStream(socket.getInputStream(), 64 * 1024);
            String counter = "tx:counter:" + client;
            for (int round = 0; round < rounds.length; round++) {
                StringBuilder batch = new StringBuilder();
                for (int i = 0; i < pipeline; i++) {
                    String key = "tx:" + client + ":" + ((round * pipeline + i) % 10_000);
                    batch.append("*1\r\n$5\r\nMULTI\r\n");
                    batch.append(command("SET", key, "value-of-a-transaction"));
                    batch.append(command("INCR", counter));
                    batch.append("*1\r\n$4\r\nEXEC\r\n");
                }
                long sent = System.nanoTime();
                out.write(batch.toString().getBytes(StandardCharsets.US_ASCII));
                for (int i = 0; i < pipeline; i++) {
                    expectLine(in, "+OK");      // MULTI
                    expectLine(in, "+QUEUED");  // SET
                    expectLine(in, "+QUEUED");  // INCR
                    expectLine(in, "*2");       // EXEC: [+OK, :n]
                    expectLine(in, "+OK");
                    String incr = line(in);
                    if (incr.charAt(0) != ':') {
                        throw new IllegalStateException("EXEC's INCR answered " + incr);
                    }
                }
                rounds[round] = System.nanoTime() - sent;
                done.add(pipeline);
            }
        }
    }

    private static String command(String... words) {
        StringBuilder command = new StringBuilder().append('*').append(words.length).append("\r\n");
        for (String word : words) {
            command.append('$').append(word.length()).append("\r\n").append(word).append("\r\n");
        }
        return command.toString();
    }

    private static void expectLine(InputStream in, String expected) throws IOException {
        String line = line(in);
        if (!line.equals(expected)) {
            throw new IllegalStateException("expected " + expected + ", got " + line);
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b != '\r'; b = in.read()) {
            if (b < 0) {
                throw new IOException("connection closed");
            }
            line.append((char) b);
        }
        if (in.read() != '\n') {
            throw new IOException("a line without LF");
        }
        return line.toString();
    }
}
