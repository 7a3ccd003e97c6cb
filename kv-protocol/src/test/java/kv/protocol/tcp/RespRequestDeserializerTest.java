package kv.protocol.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import kv.protocol.resp.PiecesChannel;
import kv.protocol.resp.Request;
import kv.protocol.resp.RespDecoder;
import kv.protocol.resp.RespInput;
import org.junit.jupiter.api.Test;

/** How a server's connection turns the bytes it has read into messages: requests, batches, protocol errors. */
class RespRequestDeserializerTest {

    private final RespRequestDeserializer deserializer = new RespRequestDeserializer(new RespDecoder());

    /** The messages of {@code wire} arriving in pieces cut at {@code cuts}, as an event loop takes them. */
    private List<Object> messages(String wire, int... cuts) throws IOException {
        PiecesChannel channel = new PiecesChannel(wire.getBytes(StandardCharsets.ISO_8859_1), cuts);
        RespInput in = RespInput.fedBy(16 * 1024);
        List<Object> messages = new ArrayList<>();
        while (channel.next()) {
            while (channel.unread() > 0) {
                in.fill(channel);
                Object message;
                while ((message = deserializer.next(in)) != null) {
                    messages.add(message);
                    if (message instanceof MalformedRequest
                            || message instanceof RequestBatch batch && batch.malformed() != null) {
                        return messages; // the connection answers it and closes
                    }
                }
            }
        }
        return messages;
    }

    /** The requests in {@code messages}, batches opened, and the protocol error last if there is one. */
    private static List<Object> flat(List<Object> messages) {
        List<Object> flat = new ArrayList<>();
        for (Object message : messages) {
            if (message instanceof RequestBatch batch) {
                flat.addAll(batch.requests());
                if (batch.malformed() != null) {
                    flat.add(batch.malformed());
                }
            }
            else {
                flat.add(message);
            }
        }
        return flat;
    }

    @Test
    void aLoneRequestIsOneMessage() throws IOException {
        assertThat(messages("*1\r\n$4\r\nPING\r\n")).containsExactly(Request.of("PING"));
    }

    @Test
    void requestsThatArriveTogetherBecomeOneBatch() throws IOException {
        assertThat(messages("PING\r\n*2\r\n$3\r\nGET\r\n$1\r\na\r\nGET b\r\n")).containsExactly(new RequestBatch(
                List.of(Request.of("PING"), Request.of("GET", "a"), Request.of("GET", "b")), null));
    }

    @Test
    void aBatchIsBoundedSoItsRepliesAreNotAllHeldBack() throws IOException {
        List<Object> messages = messages("PING\r\n".repeat(200));
        assertThat(messages).hasSize(2);
        assertThat(((RequestBatch) messages.get(0)).requests()).hasSize(RespRequestDeserializer.MAX_BATCH);
        assertThat(((RequestBatch) messages.get(1)).requests()).hasSize(200 - RespRequestDeserializer.MAX_BATCH);
    }

    @Test
    void aMalformedRequestEndsTheBatchAfterTheGoodOnes() throws IOException {
        assertThat(messages("GET a\r\n*1\r\n$-5\r\nGET b\r\n")).containsExactly(
                new RequestBatch(List.of(Request.of("GET", "a")), new MalformedRequest("invalid bulk length")));
        assertThat(messages("*x\r\n")).containsExactly(new MalformedRequest("invalid multibulk length"));
    }

    @Test
    void aPipelineGivesTheSameRequestsWhereverItIsCut() throws IOException {
        String wire = "SET k 1\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n\r\n*0\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2\r\n22\r\nGET k\n";
        List<Object> expected = List.of(Request.of("SET", "k", "1"), Request.of("GET", "k"),
                Request.of("SET", "k", "22"), Request.of("GET", "k"));
        for (int cut = 1; cut < wire.length(); cut++) {
            assertThat(flat(messages(wire, cut))).as("cut at %d", cut).isEqualTo(expected);
            assertThat(flat(messages(wire, cut, Math.min(cut + 7, wire.length() - 1)))).as("cut at %d", cut)
                    .isEqualTo(expected);
        }
    }

    /** Regression (EventLoopTest): the old scanner skipped {@code *0\r} to a line feed it never found and spun. */
    @Test
    void anEmptyArrayHeaderWithoutItsLineFeedIsAProtocolErrorAtOnce() throws IOException {
        assertThat(messages("*0\r")).as("its line feed may still come").isEmpty();
        assertThat(messages("*0\rX")).containsExactly(new MalformedRequest("invalid multibulk length"));
    }

    /** Regression (EventLoopTest): the old scanner called {@code *-1} malformed, and the decoder then lost the SET. */
    @Test
    void aNullArrayInAPipelineIsSkippedWhereverItIsCut() throws IOException {
        String wire = "SET null-array 1\r\n*-1\r\nGET null-array\r\n";
        for (int cut = 1; cut < wire.length(); cut++) {
            assertThat(flat(messages(wire, cut))).as("cut at %d", cut)
                    .containsExactly(Request.of("SET", "null-array", "1"), Request.of("GET", "null-array"));
        }
    }

    @Test
    void readFromAStreamABatchDoesNotWaitForItsUnfinishedTail() throws IOException {
        byte[] wire = "*1\r\n$4\r\nPING\r\nGET a\r\n\r\n*2\r\n$3\r\nGET\r\n$1\r\nb\r\n*2\r\n$3\r\nGET\r\n$1"
                .getBytes(StandardCharsets.US_ASCII);
        InputStream never = new InputStream() {
            @Override
            public int read() {
                throw new AssertionError("the deserializer waited for bytes it did not need");
            }
        };
        InputStream stream = new SequenceInputStream(new ByteArrayInputStream(wire), never);
        assertThat(deserializer.deserialize(stream)).isEqualTo(new RequestBatch(
                List.of(Request.of("PING"), Request.of("GET", "a"), Request.of("GET", "b")), null));
    }
}
