package kv.protocol.resp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes the request side of {@link RespDecoder}, as kv-server and kv-proxy read their clients:
 * whatever bytes arrive, the decoder either returns requests or throws
 * {@link RespProtocolException} (no other exception, no hang), and what it makes of a wire does
 * not depend on where the wire was cut into reads.
 *
 * <p>The seed corpus (real requests: multibulk, inline, pipelines, the assignment's PUT) is in
 * {@code RequestDecoderFuzzTestInputs/}; a plain {@code mvn verify} runs it as regression inputs,
 * and {@code bench/fuzz.sh} fuzzes from it (see docs/fuzzing.md).
 */
class RequestDecoderFuzzTest {

    /** Small limits, so that the fuzzer reaches every "too long" path with short inputs. */
    static final RespLimits SMALL = new RespLimits(64, 8, 32, 3, 160);

    @FuzzTest
    @DictionaryEntries({"*", "$", "$-1", "*-1", "*0", "-", "\"", "'", "\\x", "PING", "SET"})
    void requestsDecodeTheSameWhereverTheWireIsCut(byte[] wire) throws IOException {
        for (RespDecoder decoder : new RespDecoder[] {new RespDecoder(SMALL), new RespDecoder()}) {
            Feed.Outcome whole = Feed.requests(decoder, wire);
            Feed.Outcome byteByByte = Feed.requests(decoder, wire, Feed.everyByte(wire));
            Feed.Outcome cut = Feed.requests(decoder, wire, FuzzCuts.of(wire));
            assertThat(byteByByte.sameAs(whole)).as("one byte at a time: %s, at once: %s", byteByByte, whole).isTrue();
            assertThat(cut.sameAs(whole)).as("cut: %s, at once: %s", cut, whole).isTrue();
            assertThat(Feed.blocking(decoder, true, wire).sameAs(whole)).as("read from a stream").isTrue();
            for (Object request : whole.decoded()) {
                assertReencodesToItself((Request) request);
            }
        }
    }

    /** A decoded request, written as a client library writes it, decodes to the same request. */
    private static void assertReencodesToItself(Request request) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RespEncoder.write(request, out);
        Feed.Outcome again = Feed.requests(new RespDecoder(), out.toByteArray());
        assertThat(again.decoded()).containsExactly(request);
        assertThat(again.error()).isNull();
    }
}
