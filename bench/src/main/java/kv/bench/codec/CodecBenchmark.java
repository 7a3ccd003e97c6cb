package kv.bench.codec;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import kv.protocol.resp.Replies;
import kv.protocol.resp.Request;
import kv.protocol.resp.RespDecoder;
import kv.protocol.resp.RespEncoder;
import kv.protocol.resp.RespInput;
import kv.protocol.resp.RespValue;
import kv.protocol.tcp.RespRequestDeserializer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The codec on what redis-benchmark sends with {@code -P 16}: a batch of 16 requests (SET or GET,
 * 16-byte keys) decoded from one connection buffer, and the 16 replies encoded into one buffer. Scores are
 * per request (one invocation handles {@value #BATCH}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CodecBenchmark {

    static final int BATCH = 16;

    @Param({"SET", "GET"})
    public String command;

    @Param({"100", "1024"})
    public int valueSize;

    private byte[] batch;
    private RespDecoder decoder;
    private RespInput in;
    private RespRequestDeserializer deserializer;
    private RespInput fed;
    private BatchChannel socket;
    private List<RespValue> replies;
    private final ReusableOutput out = new ReusableOutput();

    @Setup
    public void setUp() throws IOException {
        byte[] value = new byte[valueSize];
        Arrays.fill(value, (byte) 'x');
        ByteArrayOutputStream requests = new ByteArrayOutputStream();
        replies = new ArrayList<>(BATCH);
        for (int i = 0; i < BATCH; i++) {
            String key = String.format("key:%012d", i * 7919L);
            if (command.equals("SET")) {
                RespEncoder.write(new Request(new byte[][] {bytes("SET"), bytes(key), value}), requests);
                replies.add(Replies.OK);
            }
            else {
                RespEncoder.write(new Request(new byte[][] {bytes("GET"), bytes(key)}), requests);
                replies.add(Replies.bulk(value));
            }
        }
        batch = requests.toByteArray();
        decoder = new RespDecoder();
        in = new RespInput(new RepeatingInput(batch));
        deserializer = new RespRequestDeserializer(new RespDecoder());
        fed = RespInput.fedBy(16 * 1024);
        socket = new BatchChannel(batch);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void decodePipelinedBatch(Blackhole blackhole) throws IOException {
        for (int i = 0; i < BATCH; i++) {
            blackhole.consume(decoder.readRequest(in));
        }
    }

    /** As the event loop reads a connection: one read (a batch, unless it is larger than the buffer), then every whole request buffered. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void decodeOnTheLoop(Blackhole blackhole) throws IOException {
        fed.fill(socket);
        Object message;
        while ((message = deserializer.next(fed)) != null) {
            blackhole.consume(message);
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int encodeReplyBatch() throws IOException {
        out.reset();
        for (int i = 0; i < BATCH; i++) {
            RespEncoder.write(replies.get(i), 2, out);
        }
        return out.size();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * The batch again on every read once it is consumed, as a socket delivers one pipelined batch
     * per read: the decoder and its connection buffer live as long as the connection, as in the
     * server, so their allocation is not part of the score.
     */
    static final class RepeatingInput extends ByteArrayInputStream {
        RepeatingInput(byte[] batch) {
            super(batch);
        }

        @Override
        public synchronized int read(byte[] target, int offset, int length) {
            if (available() == 0) {
                reset();
            }
            return super.read(target, offset, length);
        }
    }

    /** A non-blocking socket on which the client sends the batch again and again, as fast as it is read. */
    static final class BatchChannel implements ReadableByteChannel {
        private final byte[] batch;
        private int sent;

        BatchChannel(byte[] batch) {
            this.batch = batch;
        }

        @Override
        public int read(ByteBuffer target) {
            int n = Math.min(batch.length - sent, target.remaining());
            target.put(batch, sent, n);
            sent = (sent + n) % batch.length;
            return n;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }

    /** A ByteArrayOutputStream without its synchronized methods, reused between invocations. */
    static final class ReusableOutput extends OutputStream {
        private byte[] buffer = new byte[64 * 1024];
        private int count;

        @Override
        public void write(int b) {
            ensure(1);
            buffer[count++] = (byte) b;
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            ensure(length);
            System.arraycopy(bytes, offset, buffer, count, length);
            count += length;
        }

        void reset() {
            count = 0;
        }

        int size() {
            return count;
        }

        private void ensure(int more) {
            if (count + more > buffer.length) {
                buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, count + more));
            }
        }
    }
}
