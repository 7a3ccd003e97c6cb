package kv.bench.codec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

import kv.protocol.resp.Replies;
import kv.protocol.resp.Request;
import kv.protocol.resp.RespDecoder;
import kv.protocol.resp.RespEncoder;
import kv.protocol.resp.RespInput;
import kv.protocol.resp.RespValue;
import kv.protocol.tcp.RequestBatch;
import kv.protocol.tcp.RespRequestDeserializer;

/**
 * The decoding of {@link CodecBenchmark} timed in CPU time of the decoding thread instead of
 * wall time: on a machine shared with other builds, JMH's throughput varies with the load more
 * than a change to the decoder moves it, while the CPU time a thread spends per request moves
 * much less. Prints the best of 7 windows of 0.7 s after 2 s of warm-up, per request or reply.
 *
 * <pre>java -cp bench/target/benchmarks.jar kv.bench.codec.CodecCpuTime</pre>
 */
public final class CodecCpuTime {

    private static final int BATCH = CodecBenchmark.BATCH;
    private static volatile int sink;

    private interface Decoding {
        void run() throws IOException;
    }

    public static void main(String[] args) throws IOException {
        for (String command : new String[] {"SET", "GET"}) {
            for (int valueSize : new int[] {100, 1024}) {
                byte[] batch = requests(command, valueSize);
                RespDecoder decoder = new RespDecoder();
                RespInput stream = new RespInput(new CodecBenchmark.RepeatingInput(batch));
                double fromStream = nanosPerItem(() -> {
                    for (int i = 0; i < BATCH; i++) {
                        sink ^= decoder.readRequest(stream).size();
                    }
                });
                RespRequestDeserializer deserializer = new RespRequestDeserializer(new RespDecoder());
                RespInput fed = RespInput.fedBy(16 * 1024);
                CodecBenchmark.BatchChannel socket = new CodecBenchmark.BatchChannel(batch);
                double onTheLoop = nanosPerItem(() -> {
                    fed.fill(socket);
                    Object message;
                    while ((message = deserializer.next(fed)) != null) {
                        sink ^= message instanceof RequestBatch requests ? requests.requests().size() : 1;
                    }
                });
                System.out.printf("%s %4d B  request from a stream %6.1f ns  on the loop %6.1f ns (CPU)%n",
                        command, valueSize, fromStream, onTheLoop);
            }
        }
        for (RespValue reply : new RespValue[] {Replies.OK, Replies.bulk(new byte[100])}) {
            byte[] batch = replies(reply);
            RespDecoder decoder = new RespDecoder();
            RespInput stream = new RespInput(new CodecBenchmark.RepeatingInput(batch));
            double fromStream = nanosPerItem(() -> {
                for (int i = 0; i < BATCH; i++) {
                    sink ^= decoder.readValue(stream) instanceof RespValue.Null ? 1 : 0;
                }
            });
            RespInput fed = RespInput.fedBy(16 * 1024);
            CodecBenchmark.BatchChannel socket = new CodecBenchmark.BatchChannel(batch);
            double onTheLoop = nanosPerItem(() -> {
                fed.fill(socket);
                RespValue value;
                while ((value = decoder.decodeValue(fed)) != null) {
                    sink ^= value instanceof RespValue.Null ? 1 : 0;
                }
            });
            System.out.printf("%-10s  reply from a stream %6.1f ns  on the loop %6.1f ns (CPU)%n",
                    reply instanceof RespValue.BulkString ? "$100" : "+OK", fromStream, onTheLoop);
        }
    }

    /** CPU time of this thread per request or reply ({@value #BATCH} per run), best of 7 windows. */
    private static double nanosPerItem(Decoding decoding) throws IOException {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long warmUpEnd = System.nanoTime() + 2_000_000_000L;
        while (System.nanoTime() < warmUpEnd) {
            for (int i = 0; i < 1000; i++) {
                decoding.run();
            }
        }
        double best = Double.MAX_VALUE;
        for (int window = 0; window < 7; window++) {
            long runs = 0;
            long cpuStart = threads.getCurrentThreadCpuTime();
            long end = System.nanoTime() + 700_000_000L;
            while (System.nanoTime() < end) {
                for (int i = 0; i < 1000; i++) {
                    decoding.run();
                }
                runs += 1000;
            }
            best = Math.min(best, (double) (threads.getCurrentThreadCpuTime() - cpuStart) / (runs * BATCH));
        }
        return best;
    }

    private static byte[] requests(String command, int valueSize) throws IOException {
        byte[] value = new byte[valueSize];
        Arrays.fill(value, (byte) 'x');
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < BATCH; i++) {
            byte[] key = String.format("key:%012d", i * 7919L).getBytes();
            RespEncoder.write(command.equals("SET") ? new Request(new byte[][] {"SET".getBytes(), key, value})
                    : new Request(new byte[][] {"GET".getBytes(), key}), out);
        }
        return out.toByteArray();
    }

    private static byte[] replies(RespValue reply) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < BATCH; i++) {
            RespEncoder.write(reply, 2, out);
        }
        return out.toByteArray();
    }
}
