package kv.protocol.resp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link RespInput#hasCompleteValue}: how a client on an event loop knows a whole reply has arrived. */
class RespInputTest {

    private final RespDecoder decoder = new RespDecoder();

    /** A channel that hands over its bytes {@code step} at a time, then has nothing more (yet). */
    private static final class Trickle implements ReadableByteChannel {
        private final byte[] bytes;
        private final int step;
        private int sent;

        Trickle(byte[] bytes, int step) {
            this.bytes = bytes;
            this.step = step;
        }

        @Override
        public int read(ByteBuffer target) {
            int n = Math.min(Math.min(step, bytes.length - sent), target.remaining());
            target.put(bytes, sent, n);
            sent += n;
            return n;
        }

        boolean drained() {
            return sent == bytes.length;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "+OK\r\n", "-ERR bad thing\r\n", ":-42\r\n", "$5\r\nhello\r\n", "$0\r\n\r\n", "$-1\r\n", "*-1\r\n", "*0\r\n",
        "*2\r\n$3\r\nfoo\r\n*1\r\n:1\r\n", "*3\r\n*0\r\n$-1\r\n*2\r\n+a\r\n*1\r\n$2\r\nbc\r\n",
        "_\r\n", "#t\r\n", ",3.25\r\n", "(3492890328409238509324850943850943825024385\r\n", "=15\r\ntxt:Some string\r\n",
        "!9\r\nERR oops!\r\n", "%1\r\n+key\r\n:1\r\n", "%2\r\n+a\r\n*1\r\n:1\r\n+b\r\n%0\r\n", "~2\r\n+a\r\n+b\r\n",
        ">2\r\n$10\r\ninvalidate\r\n*1\r\n$3\r\nkey\r\n", "|1\r\n+source\r\n+cache\r\n$1\r\nv\r\n",
    })
    void aValueIsCompleteAtItsLastByteAndNotBefore(String wire) throws IOException {
        byte[] bytes = (wire + "+NEXT\r\n").getBytes(StandardCharsets.ISO_8859_1);
        RespValue expected = decoder.readValue(new RespInput(new java.io.ByteArrayInputStream(bytes)));
        Trickle channel = new Trickle(bytes, 1);
        RespInput input = RespInput.fedBy(4);
        for (int received = 0; received < wire.length(); received++) {
            assertThat(input.hasCompleteValue()).as("after %d of %d bytes", received, wire.length()).isFalse();
            input.fill(channel);
        }
        assertThat(input.hasCompleteValue()).isTrue();
        assertThat(decoder.readValue(input)).isEqualTo(expected);

        assertThat(input.hasCompleteValue()).as("the next value has not arrived").isFalse();
        while (!channel.drained()) {
            input.fill(channel);
        }
        assertThat(input.hasCompleteValue()).isTrue();
        assertThat(decoder.readValue(input)).isEqualTo(new RespValue.SimpleString("NEXT"));
    }

    @Test
    void aLargeBulkStringArrivingInPiecesIsCompleteOnlyWithItsLastPiece() throws IOException {
        byte[] value = new byte[3 * 1024 * 1024];
        Arrays.fill(value, (byte) 'x');
        byte[] header = ("*2\r\n:7\r\n$" + value.length + "\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] wire = new byte[header.length + value.length + 2];
        System.arraycopy(header, 0, wire, 0, header.length);
        System.arraycopy(value, 0, wire, header.length, value.length);
        wire[wire.length - 2] = '\r';
        wire[wire.length - 1] = '\n';
        Trickle channel = new Trickle(wire, 1000);
        RespInput input = RespInput.fedBy(16 * 1024);
        int reads = 0;
        while (!channel.drained()) {
            assertThat(input.hasCompleteValue()).isFalse();
            input.fill(channel);
            reads++;
        }
        assertThat(reads).isGreaterThan(3000);
        assertThat(input.hasCompleteValue()).isTrue();
        RespValue.Array array = (RespValue.Array) decoder.readValue(input);
        assertThat(((RespValue.BulkString) array.elements().get(1)).bytes()).isEqualTo(value);
    }

    @Test
    void malformedBytesCountAsCompleteSoTheDecoderReportsThem() throws IOException {
        RespInput input = RespInput.fedBy(64);
        input.fill(new Trickle("$x\r\n".getBytes(StandardCharsets.US_ASCII), 100));
        assertThat(input.hasCompleteValue()).isTrue();
        assertThatThrownBy(() -> decoder.readValue(input)).isInstanceOf(RespProtocolException.class);
    }
}
