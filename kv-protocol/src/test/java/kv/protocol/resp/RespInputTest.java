package kv.protocol.resp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

/** {@link RespInput}: a connection's buffer, filled from a channel or a stream, and the decoder's progress in it. */
class RespInputTest {

    private final RespDecoder decoder = new RespDecoder();

    @Test
    void aLargeBulkStringArrivingInPiecesComesOutWithItsLastPieceWithoutGrowingTheBuffer() throws IOException {
        byte[] value = new byte[3 * 1024 * 1024];
        Arrays.fill(value, (byte) 'x');
        byte[] header = ("*2\r\n:7\r\n$" + value.length + "\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] wire = new byte[header.length + value.length + 2];
        System.arraycopy(header, 0, wire, 0, header.length);
        System.arraycopy(value, 0, wire, header.length, value.length);
        wire[wire.length - 2] = '\r';
        wire[wire.length - 1] = '\n';
        PiecesChannel channel = new PiecesChannel(wire, IntStream.iterate(1000, n -> n < wire.length, n -> n + 1000).toArray());
        RespInput input = RespInput.fedBy(16 * 1024);
        RespValue decoded = null;
        int reads = 0;
        while (channel.next()) {
            assertThat(decoded).as("complete before its last piece").isNull();
            input.fill(channel);
            reads++;
            decoded = decoder.decodeValue(input);
        }
        assertThat(reads).isGreaterThan(3000);
        assertThat(input.buffer.length).isEqualTo(16 * 1024);
        RespValue.Array array = (RespValue.Array) decoded;
        assertThat(array.elements().get(0)).isEqualTo(new RespValue.Integer(7));
        assertThat(((RespValue.BulkString) array.elements().get(1)).bytes()).isEqualTo(value);
    }

    @Test
    void bytesNotDecodedYetMoveToTheFrontWhenTheBufferIsFull() throws IOException {
        RespInput input = RespInput.fedBy(8);
        PiecesChannel channel = new PiecesChannel("+AB\r\n+CDEFG\r\n".getBytes(StandardCharsets.US_ASCII), 8);
        channel.next();
        input.fill(channel);
        assertThat(decoder.decodeValue(input)).isEqualTo(new RespValue.SimpleString("AB"));
        assertThat(decoder.decodeValue(input)).as("+CD of +CDEFG").isNull();
        channel.next();
        input.fill(channel);
        assertThat(decoder.decodeValue(input)).isEqualTo(new RespValue.SimpleString("CDEFG"));
        assertThat(input.buffer.length).as("room was made by moving, not growing").isEqualTo(8);
        assertThat(input.buffered()).isZero();
    }

    @Test
    void readingTheStreamDirectlyTakesTheBytesTheDecoderHasNotTaken() throws IOException {
        RespInput input = new RespInput(new OneByteAtATimeInputStream("+OK\r\nab".getBytes(StandardCharsets.US_ASCII)), 4);
        assertThat(decoder.readValue(input)).isEqualTo(Replies.OK);
        byte[] rest = new byte[8];
        assertThat(input.read(rest, 0, 8)).isEqualTo(1);
        assertThat(input.read()).isEqualTo('b');
        assertThat(input.read()).as("end of stream").isEqualTo(-1);
    }

    @Test
    void aFedInputEndsWhereItsBytesEnd() throws IOException {
        RespInput input = RespInput.fedBy(16);
        input.fill(new PiecesChannel("+OK\r\n".getBytes(StandardCharsets.US_ASCII)).withEverything());
        assertThat(decoder.readValue(input)).isEqualTo(Replies.OK);
        assertThat(decoder.readValue(input)).as("nothing more: a clean end").isNull();
        assertThat(input.read()).isEqualTo(-1);
    }
}
