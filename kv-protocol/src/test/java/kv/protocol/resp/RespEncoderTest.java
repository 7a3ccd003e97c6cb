package kv.protocol.resp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

class RespEncoderTest {

    private static String encode(RespValue value, int protocol) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RespEncoder.write(value, protocol, out);
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void resp3OnlyTypesAreWrittenAsRedisWritesThemToResp2Clients() throws IOException {
        RespValue map = new RespValue.Map(List.of(Replies.bulk("a"), Replies.integer(1)));
        assertThat(encode(map, 2)).isEqualTo("*2\r\n$1\r\na\r\n:1\r\n");
        assertThat(encode(map, 3)).isEqualTo("%1\r\n$1\r\na\r\n:1\r\n");
        assertThat(encode(Replies.NULL, 2)).isEqualTo("$-1\r\n");
        assertThat(encode(Replies.NULL, 3)).isEqualTo("_\r\n");
        assertThat(encode(new RespValue.Boolean(true), 2)).isEqualTo(":1\r\n");
        assertThat(encode(new RespValue.Boolean(true), 3)).isEqualTo("#t\r\n");
        assertThat(encode(new RespValue.Double(1.5), 2)).isEqualTo("$3\r\n1.5\r\n");
        assertThat(encode(new RespValue.Verbatim("txt", "hi"), 3)).isEqualTo("=6\r\ntxt:hi\r\n");
        assertThat(encode(new RespValue.Verbatim("txt", "hi"), 2)).isEqualTo("$2\r\nhi\r\n");
    }

    /** Found by ReplyDecoderFuzzTest: a format byte over 0x7F came back as three bytes, and the reply lost its ':'. */
    @Test
    void aVerbatimStringIsWrittenBackAsTheBytesItWasReadFrom() throws IOException {
        byte[] wire = "=7\r\nt\u00f8t:abc\r\n".getBytes(StandardCharsets.ISO_8859_1);
        RespValue decoded = new RespDecoder().readValue(new RespInput(new ByteArrayInputStream(wire)));
        assertThat(encode(decoded, 3)).isEqualTo(new String(wire, StandardCharsets.ISO_8859_1));
    }

    @Test
    void attributesReachOnlyResp3Clients() throws IOException {
        RespValue attributed = new RespValue.Attributed(
                new RespValue.Map(List.of(Replies.bulk("source"), Replies.bulk("cache"))), Replies.bulk("v"));
        assertThat(encode(attributed, 2)).isEqualTo("$1\r\nv\r\n");
        assertThat(encode(attributed, 3)).isEqualTo("|1\r\n$6\r\nsource\r\n$5\r\ncache\r\n$1\r\nv\r\n");
    }

    @Test
    void simpleStringsCannotBreakTheFraming() throws IOException {
        assertThat(encode(Replies.error("ERR bad\r\nthing"), 2)).isEqualTo("-ERR bad  thing\r\n");
    }

    @Test
    void everyValueSurvivesARoundTrip() throws IOException {
        List<RespValue> values = List.of(
                Replies.OK, Replies.error("ERR x"), Replies.integer(-7), Replies.integer(123456789012L),
                Replies.bulk(new byte[] {0, 13, 10, (byte) 255}), Replies.NULL,
                new RespValue.Array(List.of(Replies.bulk("a"), new RespValue.Array(List.of()))),
                new RespValue.Map(List.of(Replies.bulk("k"), Replies.bulk("v"))),
                new RespValue.Set(List.of(Replies.integer(1))),
                new RespValue.Push(List.of(Replies.bulk("invalidate"), Replies.NULL)),
                new RespValue.Double(-0.25), new RespValue.Boolean(false), new RespValue.BigNumber("-123"));
        RespDecoder decoder = new RespDecoder();
        for (RespValue value : values) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            RespEncoder.write(value, 3, out);
            RespValue decoded = decoder.readValue(new RespInput(new ByteArrayInputStream(out.toByteArray())));
            assertThat(decoded).as(value.toString()).isEqualTo(value);
        }
    }

    @Test
    void aStreamedArrayIsWrittenFromItsIteratorAndClosesIt() throws IOException {
        boolean[] closed = {false};
        class ClosingIterator implements java.util.Iterator<RespValue>, AutoCloseable {
            private int left = 2;

            public boolean hasNext() {
                return left > 0;
            }

            public RespValue next() {
                return Replies.integer(left--);
            }

            public void close() {
                closed[0] = true;
            }
        }
        RespValue streamed = new RespValue.StreamedArray(2, ClosingIterator::new);
        assertThat(encode(streamed, 2)).isEqualTo("*2\r\n:2\r\n:1\r\n");
        assertThat(closed[0]).isTrue();
    }

    @Test
    void requestsAreWrittenAsArraysOfBulkStrings() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RespEncoder.write(Request.of("GET", "k"), out);
        assertThat(out.toString(StandardCharsets.US_ASCII)).isEqualTo("*2\r\n$3\r\nGET\r\n$1\r\nk\r\n");
    }
}
