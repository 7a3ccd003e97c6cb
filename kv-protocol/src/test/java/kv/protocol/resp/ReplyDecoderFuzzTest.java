package kv.protocol.resp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes the reply side of {@link RespDecoder}, as kv-proxy reads its backends and kv-client its
 * server (RESP2 and RESP3, every type, attributes, nesting): whatever bytes arrive, the decoder
 * returns values or throws {@link RespProtocolException}, the same wherever the wire was cut, and
 * a value it returns, encoded again as kv-server encodes replies, decodes to a value that encodes
 * to the same bytes (one round normalizes what RESP3 cannot say twice, such as a null array).
 */
class ReplyDecoderFuzzTest {

    @FuzzTest
    @DictionaryEntries({"+OK", "-ERR ", ":", "$", "*", "%", "~", ">", "|", "_", "#t", ",inf", "(", "=", "!", "txt:", "-1"})
    void repliesDecodeTheSameWhereverTheWireIsCut(byte[] wire) throws IOException {
        for (RespDecoder decoder : new RespDecoder[] {new RespDecoder(RequestDecoderFuzzTest.SMALL), new RespDecoder()}) {
            Feed.Outcome whole = Feed.values(decoder, wire);
            Feed.Outcome byteByByte = Feed.values(decoder, wire, Feed.everyByte(wire));
            Feed.Outcome cut = Feed.values(decoder, wire, FuzzCuts.of(wire));
            assertThat(byteByByte.sameAs(whole)).as("one byte at a time: %s, at once: %s", byteByByte, whole).isTrue();
            assertThat(cut.sameAs(whole)).as("cut: %s, at once: %s", cut, whole).isTrue();
            assertThat(Feed.blocking(decoder, false, wire).sameAs(whole)).as("read from a stream").isTrue();
        }
        for (Object value : Feed.values(new RespDecoder(), wire).decoded()) {
            assertReencodingIsStable((RespValue) value);
        }
    }

    private static void assertReencodingIsStable(RespValue value) throws IOException {
        for (int protocol : new int[] {2, 3}) {
            byte[] once = encode(value, protocol);
            RespValue again = decodeOne(once);
            assertThat(encode(again, protocol)).as("%s in RESP%d", value, protocol).isEqualTo(once);
        }
    }

    private static byte[] encode(RespValue value, int protocol) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RespEncoder.write(value, protocol, out);
        return out.toByteArray();
    }

    private static RespValue decodeOne(byte[] wire) throws IOException {
        Feed.Outcome outcome = Feed.values(new RespDecoder(), wire);
        assertThat(outcome.error()).as("decoding our own encoding of a reply").isNull();
        assertThat(outcome.decoded()).hasSize(1);
        return (RespValue) outcome.decoded().get(0);
    }
}
