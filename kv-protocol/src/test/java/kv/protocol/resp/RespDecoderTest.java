package kv.protocol.resp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class RespDecoderTest {

    private final RespDecoder decoder = new RespDecoder(new RespLimits(1024 * 1024, 1000, 1024, 8));

    private static RespInput oneByteAtATime(String wire) {
        return new RespInput(new OneByteAtATimeInputStream(wire.getBytes(StandardCharsets.ISO_8859_1)), 4);
    }

    private static RespInput whole(byte[] wire) {
        return new RespInput(new ByteArrayInputStream(wire));
    }

    private RespValue value(String wire) throws IOException {
        RespInput in = oneByteAtATime(wire);
        RespValue value = decoder.readValue(in);
        assertThat(in.read()).as("everything consumed").isEqualTo(-1);
        return value;
    }

    private Request request(String wire) throws IOException {
        return decoder.readRequest(oneByteAtATime(wire));
    }

    @Test
    void everyResp2TypeDecodesOneByteAtATime() throws IOException {
        assertThat(value("+OK\r\n")).isEqualTo(new RespValue.SimpleString("OK"));
        assertThat(value("-ERR bad thing\r\n")).isEqualTo(new RespValue.Error("ERR bad thing"));
        assertThat(value(":-42\r\n")).isEqualTo(new RespValue.Integer(-42));
        assertThat(value("$5\r\nhello\r\n")).isEqualTo(RespValue.BulkString.of("hello"));
        assertThat(value("$0\r\n\r\n")).isEqualTo(RespValue.BulkString.of(""));
        assertThat(value("$-1\r\n")).isEqualTo(Replies.NULL);
        assertThat(value("*-1\r\n")).isEqualTo(Replies.NULL);
        assertThat(value("*0\r\n")).isEqualTo(new RespValue.Array(List.of()));
        assertThat(value("*2\r\n$3\r\nfoo\r\n*1\r\n:1\r\n")).isEqualTo(new RespValue.Array(List.of(
                RespValue.BulkString.of("foo"), new RespValue.Array(List.of(new RespValue.Integer(1))))));
    }

    @Test
    void everyResp3TypeDecodesOneByteAtATime() throws IOException {
        assertThat(value("_\r\n")).isEqualTo(Replies.NULL);
        assertThat(value("#t\r\n")).isEqualTo(new RespValue.Boolean(true));
        assertThat(value("#f\r\n")).isEqualTo(new RespValue.Boolean(false));
        assertThat(value(",3.25\r\n")).isEqualTo(new RespValue.Double(3.25));
        assertThat(value(",-inf\r\n")).isEqualTo(new RespValue.Double(Double.NEGATIVE_INFINITY));
        assertThat(value("(3492890328409238509324850943850943825024385\r\n"))
                .isEqualTo(new RespValue.BigNumber("3492890328409238509324850943850943825024385"));
        assertThat(value("=15\r\ntxt:Some string\r\n")).isEqualTo(new RespValue.Verbatim("txt", "Some string"));
        assertThat(value("!9\r\nERR oops!\r\n")).isEqualTo(new RespValue.Error("ERR oops!"));
        assertThat(value("%1\r\n+key\r\n:1\r\n")).isEqualTo(new RespValue.Map(List.of(
                new RespValue.SimpleString("key"), new RespValue.Integer(1))));
        assertThat(value("~2\r\n+a\r\n+b\r\n")).isEqualTo(new RespValue.Set(List.of(
                new RespValue.SimpleString("a"), new RespValue.SimpleString("b"))));
        assertThat(value(">2\r\n$10\r\ninvalidate\r\n*1\r\n$3\r\nkey\r\n")).isEqualTo(new RespValue.Push(List.of(
                RespValue.BulkString.of("invalidate"), new RespValue.Array(List.of(RespValue.BulkString.of("key"))))));
        assertThat(value("|1\r\n+source\r\n+cache\r\n$1\r\nv\r\n")).isEqualTo(new RespValue.Attributed(
                new RespValue.Map(List.of(new RespValue.SimpleString("source"), new RespValue.SimpleString("cache"))),
                RespValue.BulkString.of("v")));
    }

    /** Regression: 19-digit integers were refused, so an INCR's reply near either end failed to decode. */
    @Test
    void integersCoverTheWhole64BitRange() throws IOException {
        assertThat(value(":9223372036854775807\r\n")).isEqualTo(new RespValue.Integer(Long.MAX_VALUE));
        assertThat(value(":-9223372036854775808\r\n")).isEqualTo(new RespValue.Integer(Long.MIN_VALUE));
        assertThat(value(":1000000000000000000\r\n")).isEqualTo(new RespValue.Integer(1_000_000_000_000_000_000L));
        for (String outOfRange : List.of(":9223372036854775808\r\n", ":-9223372036854775809\r\n",
                ":10000000000000000000\r\n")) {
            assertThatThrownBy(() -> value(outOfRange)).as(outOfRange).isInstanceOf(RespProtocolException.class);
        }
    }

    @Test
    void bulkStringsAreBinarySafe() throws IOException {
        byte[] payload = new byte[300];
        new Random(7).nextBytes(payload);
        payload[10] = '\r';
        payload[11] = '\n';
        byte[] wire = RespTestWire.bulk(payload);
        RespValue value = decoder.readValue(new RespInput(new OneByteAtATimeInputStream(wire), 4));
        assertThat(((RespValue.BulkString) value).bytes()).isEqualTo(payload);
    }

    @Test
    void multibulkRequestDecodesOneByteAtATime() throws IOException {
        assertThat(request("*3\r\n$3\r\nSET\r\n$5\r\nFname\r\n$6\r\nSayali\r\n"))
                .isEqualTo(Request.of("SET", "Fname", "Sayali"));
    }

    @Test
    void inlineCommandsSplitLikeRedis() throws IOException {
        assertThat(request("PUT Fname = Sayali\r\n")).isEqualTo(Request.of("PUT", "Fname", "=", "Sayali"));
        assertThat(request("GET Fname\n")).isEqualTo(Request.of("GET", "Fname"));
        assertThat(request("set greeting \"hello world\"\r\n")).isEqualTo(Request.of("set", "greeting", "hello world"));
        assertThat(request("set k 'it\\'s'\r\n")).isEqualTo(Request.of("set", "k", "it's"));
        assertThat(request("echo \"a\\x41\\n\"\r\n")).isEqualTo(Request.of("echo", "aA\n"));
        assertThat(request("  \r\n\r\nPING  \r\n")).as("blank lines are skipped").isEqualTo(Request.of("PING"));
    }

    @Test
    void pipelinedRequestsComeOutInOrder() throws IOException {
        RespInput in = oneByteAtATime("*1\r\n$4\r\nPING\r\nGET a\r\n*2\r\n$3\r\nGET\r\n$1\r\nb\r\n");
        assertThat(decoder.readRequest(in)).isEqualTo(Request.of("PING"));
        assertThat(decoder.readRequest(in)).isEqualTo(Request.of("GET", "a"));
        assertThat(decoder.readRequest(in)).isEqualTo(Request.of("GET", "b"));
        assertThat(decoder.readRequest(in)).as("clean end of stream").isNull();
    }

    @Test
    void aPipelineIsReadAsOneBatchWithoutWaitingForItsUnfinishedTail() throws IOException {
        // The last request is cut off: reading it would block, so the batch stops before it.
        byte[] wire = "*1\r\n$4\r\nPING\r\nGET a\r\n\r\n*2\r\n$3\r\nGET\r\n$1\r\nb\r\n*2\r\n$3\r\nGET\r\n$1"
                .getBytes(StandardCharsets.US_ASCII);
        InputStream never = new InputStream() {
            @Override
            public int read() {
                throw new AssertionError("the decoder waited for bytes it did not need");
            }
        };
        RespInput in = new RespInput(new java.io.SequenceInputStream(new ByteArrayInputStream(wire), never));
        List<RespProtocolException> errors = new java.util.ArrayList<>();
        assertThat(decoder.readPipeline(in, 100, errors))
                .containsExactly(Request.of("PING"), Request.of("GET", "a"), Request.of("GET", "b"));
        assertThat(errors).isEmpty();
    }

    @Test
    void aMalformedRequestEndsTheBatchAfterTheGoodOnes() throws IOException {
        RespInput in = whole("GET a\r\n*1\r\n$-5\r\nGET b\r\n".getBytes(StandardCharsets.US_ASCII));
        List<RespProtocolException> errors = new java.util.ArrayList<>();
        assertThat(decoder.readPipeline(in, 100, errors)).containsExactly(Request.of("GET", "a"));
        assertThat(errors).singleElement().extracting(Throwable::getMessage).isEqualTo("invalid bulk length");
    }

    @Test
    void aBatchIsBoundedByItsLimit() throws IOException {
        RespInput in = whole("PING\r\n".repeat(10).getBytes(StandardCharsets.US_ASCII));
        assertThat(decoder.readPipeline(in, 4, new java.util.ArrayList<>())).hasSize(4);
        assertThat(decoder.readPipeline(in, 4, new java.util.ArrayList<>())).hasSize(4);
        assertThat(decoder.readPipeline(in, 4, new java.util.ArrayList<>())).hasSize(2);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "*1\r\n$-5\r\nabc\r\n",                 // negative bulk length
        "*1\r\n$99999999999999999999\r\n",       // overflowing bulk length
        "*1\r\n$2147483648\r\n",                 // 2 GB declared, over the limit
        "*99999999\r\n",                         // too many arguments
        "*1\r\n$3\r\nabcXY",                     // missing CRLF after the data
        "*1\r\n:3\r\n",                          // not a bulk string inside a request
        "*x\r\n",                                // not a number
        "*1\r\n$3\r\nGET",                       // truncated is EOF, checked below
    })
    void malformedRequestsAreRejectedWithoutAllocatingTheDeclaredSize(String wire) {
        if (wire.endsWith("GET")) {
            assertThatThrownBy(() -> request(wire)).isInstanceOf(EOFException.class);
            return;
        }
        assertThatThrownBy(() -> request(wire)).isInstanceOf(RespProtocolException.class);
    }

    @Test
    void unbalancedQuotesInAnInlineCommandAreAProtocolError() {
        assertThatThrownBy(() -> request("SET a \"oops\r\n"))
                .isInstanceOf(RespProtocolException.class).hasMessage("unbalanced quotes in request");
    }

    @Test
    void anInlineLineLongerThanTheLimitIsAProtocolError() {
        String longLine = "GET " + "x".repeat(2000) + "\r\n";
        assertThatThrownBy(() -> decoder.readRequest(whole(longLine.getBytes(StandardCharsets.US_ASCII))))
                .isInstanceOf(RespProtocolException.class).hasMessage("too big inline request");
    }

    @Test
    void aDeclaredLengthIsNotTrustedBeforeItsBytesArrive() throws IOException {
        // Declares 1 MB, sends 10 bytes and ends: the decoder must fail on EOF, having grown only
        // as far as the bytes that came (it starts with 64 KB, not the declared megabyte).
        RespDecoder big = new RespDecoder(new RespLimits(512L * 1024 * 1024, 10, 1024, 8));
        InputStream in = new ByteArrayInputStream("*1\r\n$536870000\r\n0123456789".getBytes(StandardCharsets.US_ASCII));
        long before = usedHeap();
        assertThatThrownBy(() -> big.readRequest(new RespInput(in))).isInstanceOf(EOFException.class);
        assertThat(usedHeap() - before).isLessThan(64L * 1024 * 1024);
    }

    @Test
    void randomBinaryGarbageNeverHangsOrCrashesTheDecoder() {
        Random random = new Random(42);
        for (int round = 0; round < 200; round++) {
            byte[] garbage = new byte[random.nextInt(512) + 1];
            random.nextBytes(garbage);
            String typeBytes = "*$+-:!%~>|_#,(=\u0000\u00ff";
            garbage[0] = (byte) typeBytes.charAt(random.nextInt(typeBytes.length()));
            try {
                RespInput in = whole(garbage);
                while (decoder.readValue(in) != null) {
                    // keep reading until the garbage runs out or is rejected
                }
            }
            catch (IOException expected) {
                // a protocol error or an early end of stream: both are fine
            }
        }
    }

    @Test
    void nestingDeeperThanTheLimitIsRejected() {
        String deep = "*1\r\n".repeat(20) + ":1\r\n";
        assertThatThrownBy(() -> value(deep)).isInstanceOf(RespProtocolException.class);
    }

    private static long usedHeap() {
        Runtime runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
