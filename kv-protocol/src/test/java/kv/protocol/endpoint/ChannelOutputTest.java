package kv.protocol.endpoint;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ChannelOutputTest {

    /** A socket that takes at most {@code perWrite} bytes a call, and nothing on every third call. */
    private static final class SlowChannel implements WritableByteChannel {
        final ByteArrayOutputStream received = new ByteArrayOutputStream();
        final int perWrite;
        int calls;

        SlowChannel(int perWrite) {
            this.perWrite = perWrite;
        }

        @Override
        public int write(ByteBuffer source) {
            if (++calls % 3 == 0) {
                return 0;
            }
            int n = Math.min(perWrite, source.remaining());
            byte[] taken = new byte[n];
            source.get(taken);
            received.write(taken, 0, n);
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

    @Test
    void smallAndLargeWritesLeaveInTheOrderTheyWereWrittenWhateverTheSocketTakes() throws Exception {
        Random random = new Random(7);
        byte[] large = new byte[ChannelOutput.BORROW * 3 + 17];
        random.nextBytes(large);
        byte[] second = new byte[ChannelOutput.BORROW];
        random.nextBytes(second);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        ChannelOutput output = new ChannelOutput(64);
        for (byte[] write : new byte[][] {"$".getBytes(), "786449\r\n".getBytes(), large, "\r\n".getBytes(), second,
                second, "+OK\r\n".getBytes()}) {
            output.write(write, 0, write.length);
            expected.write(write, 0, write.length);
        }
        output.write(':');
        expected.write(':');
        assertThat(output.pending()).isEqualTo(expected.size());

        SlowChannel channel = new SlowChannel(100_003);
        int tries = 0;
        while (!output.sendTo(channel)) {
            assertThat(output.pending()).isEqualTo(expected.size() - channel.received.size());
            assertThat(++tries).as("tries").isLessThan(10_000);
            output.write('x'); // written while the rest waits: goes after it
            expected.write('x');
        }
        assertThat(channel.received.toByteArray()).isEqualTo(expected.toByteArray());
        assertThat(output.pending()).isZero();
    }

    @Test
    void aLargeWriteIsSentFromTheCallersArrayNotACopy() throws Exception {
        byte[] large = new byte[ChannelOutput.BORROW];
        ChannelOutput output = new ChannelOutput(64);
        output.write(large, 0, large.length);
        large[large.length - 1] = 42; // the caller's array is what leaves
        SlowChannel channel = new SlowChannel(Integer.MAX_VALUE);
        while (!output.sendTo(channel)) {
            // the channel refuses every third call
        }
        assertThat(channel.received.toByteArray()[large.length - 1]).isEqualTo((byte) 42);
    }

    @Test
    void clearForgetsQueuedLargeWritesToo() throws Exception {
        ChannelOutput output = new ChannelOutput(64);
        output.write(new byte[10], 0, 10);
        output.write(new byte[ChannelOutput.BORROW], 0, ChannelOutput.BORROW);
        assertThat(output.pending()).isEqualTo(10 + ChannelOutput.BORROW);
        output.clear();
        assertThat(output.pending()).isZero();
        SlowChannel channel = new SlowChannel(1000);
        assertThat(output.sendTo(channel)).isTrue();
        assertThat(channel.received.size()).isZero();
    }
}
