package kv.protocol.resp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The decoder in memory, without sockets: every request and reply type whole, one byte at a
 * time and cut at every point, malformed input at every position, and the limits.
 */
class RespDecoderTest {

    private static final RespLimits LIMITS = new RespLimits(1024 * 1024, 1000, 1024, 8);

    private final RespDecoder decoder = new RespDecoder(LIMITS);

    // ---- what every request and reply type decodes to

    static Stream<Arguments> requests() {
        byte[] binary = new byte[256];
        for (int i = 0; i < binary.length; i++) {
            binary[i] = (byte) i;
        }
        return Stream.of(
                Arguments.of("*3\r\n$3\r\nSET\r\n$5\r\nFname\r\n$6\r\nSayali\r\n", Request.of("SET", "Fname", "Sayali")),
                Arguments.of("*1\r\n$4\r\nPING\r\n", Request.of("PING")),
                Arguments.of("*2\r\n$4\r\nECHO\r\n$0\r\n\r\n", Request.of("ECHO", "")),
                Arguments.of(wire("*2\r\n$4\r\nECHO\r\n$256\r\n", binary, "\r\n"),
                        new Request(new byte[][] {bytes("ECHO"), binary})),
                Arguments.of("*0\r\n*-1\r\n*1\r\n$4\r\nPING\r\n", Request.of("PING")),
                Arguments.of("PUT Fname = Sayali\r\n", Request.of("PUT", "Fname", "=", "Sayali")),
                Arguments.of("GET Fname\n", Request.of("GET", "Fname")),
                Arguments.of("set greeting \"hello world\"\r\n", Request.of("set", "greeting", "hello world")),
                Arguments.of("set k 'it\\'s'\r\n", Request.of("set", "k", "it's")),
                Arguments.of("echo \"a\\x41\\n\"\r\n", Request.of("echo", "aA\n")),
                Arguments.of("SET a\"b\" c\r\n", Request.of("SET", "ab", "c")), // a quote opens mid-word, as in Redis
                Arguments.of("  \r\n\r\n\nPING  \r\n", Request.of("PING")),
                Arguments.of("x".repeat(1024) + "\r\n", Request.of("x".repeat(1024))));
    }

    static Stream<Arguments> replies() {
        byte[] binary = new byte[300];
        new Random(7).nextBytes(binary);
        binary[10] = '\r';
        binary[11] = '\n';
        return Stream.of(
                Arguments.of("+OK\r\n", new RespValue.SimpleString("OK")),
                Arguments.of("+OK\n", new RespValue.SimpleString("OK")),
                Arguments.of("+h\u00c3\u00a9\r\n", new RespValue.SimpleString("h\u00e9")),
                Arguments.of("-ERR bad thing\r\n", new RespValue.Error("ERR bad thing")),
                Arguments.of(":-42\r\n", new RespValue.Integer(-42)),
                Arguments.of(":0\r\n", new RespValue.Integer(0)),
                Arguments.of(":9223372036854775807\r\n", new RespValue.Integer(Long.MAX_VALUE)),
                Arguments.of(":-9223372036854775808\r\n", new RespValue.Integer(Long.MIN_VALUE)),
                Arguments.of("$5\r\nhello\r\n", RespValue.BulkString.of("hello")),
                Arguments.of("$0\r\n\r\n", RespValue.BulkString.of("")),
                Arguments.of(wire("$300\r\n", binary, "\r\n"), new RespValue.BulkString(binary)),
                Arguments.of("$-1\r\n", Replies.NULL),
                Arguments.of("*-1\r\n", Replies.NULL_ARRAY),
                Arguments.of("*0\r\n", new RespValue.Array(List.of())),
                Arguments.of("*2\r\n$3\r\nfoo\r\n*1\r\n:1\r\n", new RespValue.Array(List.of(
                        RespValue.BulkString.of("foo"), new RespValue.Array(List.of(new RespValue.Integer(1)))))),
                Arguments.of("*3\r\n*0\r\n$-1\r\n*2\r\n+a\r\n*1\r\n$2\r\nbc\r\n", new RespValue.Array(List.of(
                        new RespValue.Array(List.of()), Replies.NULL, new RespValue.Array(List.of(
                                new RespValue.SimpleString("a"),
                                new RespValue.Array(List.of(RespValue.BulkString.of("bc")))))))),
                Arguments.of("_\r\n", Replies.NULL),
                Arguments.of("#t\r\n", new RespValue.Boolean(true)),
                Arguments.of("#f\r\n", new RespValue.Boolean(false)),
                Arguments.of(",3.25\r\n", new RespValue.Double(3.25)),
                Arguments.of(",-inf\r\n", new RespValue.Double(Double.NEGATIVE_INFINITY)),
                Arguments.of(",nan\r\n", new RespValue.Double(Double.NaN)),
                Arguments.of("(3492890328409238509324850943850943825024385\r\n",
                        new RespValue.BigNumber("3492890328409238509324850943850943825024385")),
                Arguments.of("=15\r\ntxt:Some string\r\n", new RespValue.Verbatim("txt", "Some string")),
                Arguments.of("!9\r\nERR oops!\r\n", new RespValue.Error("ERR oops!")),
                Arguments.of("!-1\r\n", new RespValue.Error("")),
                Arguments.of("%1\r\n+key\r\n:1\r\n", new RespValue.Map(List.of(
                        new RespValue.SimpleString("key"), new RespValue.Integer(1)))),
                Arguments.of("%2\r\n+a\r\n*1\r\n:1\r\n+b\r\n%0\r\n", new RespValue.Map(List.of(
                        new RespValue.SimpleString("a"), new RespValue.Array(List.of(new RespValue.Integer(1))),
                        new RespValue.SimpleString("b"), new RespValue.Map(List.of())))),
                Arguments.of("%-1\r\n", new RespValue.Map(List.of())),
                Arguments.of("~2\r\n+a\r\n+b\r\n", new RespValue.Set(List.of(
                        new RespValue.SimpleString("a"), new RespValue.SimpleString("b")))),
                Arguments.of(">2\r\n$10\r\ninvalidate\r\n*1\r\n$3\r\nkey\r\n", new RespValue.Push(List.of(
                        RespValue.BulkString.of("invalidate"),
                        new RespValue.Array(List.of(RespValue.BulkString.of("key")))))),
                Arguments.of("|1\r\n+source\r\n+cache\r\n$1\r\nv\r\n", new RespValue.Attributed(
                        map("source", "cache"), RespValue.BulkString.of("v"))),
                Arguments.of("|0\r\n:1\r\n", new RespValue.Attributed(new RespValue.Map(List.of()), new RespValue.Integer(1))),
                Arguments.of("*2\r\n|1\r\n+a\r\n+b\r\n|1\r\n+c\r\n+d\r\n:1\r\n:2\r\n", new RespValue.Array(List.of(
                        new RespValue.Attributed(map("a", "b"), new RespValue.Attributed(map("c", "d"),
                                new RespValue.Integer(1))),
                        new RespValue.Integer(2)))));
    }

    @ParameterizedTest
    @MethodSource("requests")
    void aRequestComesOutAtItsLastByteWhereverItIsCut(String wire, Request expected) throws IOException {
        byte[] bytes = bytes(wire);
        assertThat(Feed.requests(decoder, bytes).decoded()).as("whole").containsExactly(expected);
        Feed.Outcome oneByte = Feed.requests(decoder, bytes, Feed.everyByte(bytes));
        assertThat(oneByte.decoded()).as("one byte at a time").containsExactly(expected);
        assertThat(oneByte.at()).as("not before its last byte").containsExactly(bytes.length);
        for (int cut = 1; cut < bytes.length; cut++) {
            assertThat(Feed.requests(decoder, bytes, cut).decoded()).as("cut at %d", cut).containsExactly(expected);
        }
    }

    @ParameterizedTest
    @MethodSource("replies")
    void aReplyComesOutAtItsLastByteWhereverItIsCut(String wire, RespValue expected) throws IOException {
        byte[] bytes = bytes(wire);
        assertThat(Feed.values(decoder, bytes).decoded()).as("whole").containsExactly(expected);
        Feed.Outcome oneByte = Feed.values(decoder, bytes, Feed.everyByte(bytes));
        assertThat(oneByte.decoded()).as("one byte at a time").containsExactly(expected);
        assertThat(oneByte.at()).as("not before its last byte").containsExactly(bytes.length);
        for (int cut = 1; cut < bytes.length; cut++) {
            assertThat(Feed.values(decoder, bytes, cut).decoded()).as("cut at %d", cut).containsExactly(expected);
        }
    }

    @ParameterizedTest
    @MethodSource("requests")
    void aRequestReadFromAStreamOneByteAtATimeIsTheSame(String wire, Request expected) throws IOException {
        RespInput in = new RespInput(new OneByteAtATimeInputStream(bytes(wire)), 4);
        assertThat(decoder.readRequest(in)).isEqualTo(expected);
        assertThat(decoder.readRequest(in)).as("then a clean end of stream").isNull();
    }

    @ParameterizedTest
    @MethodSource("replies")
    void aReplyReadFromAStreamOneByteAtATimeIsTheSame(String wire, RespValue expected) throws IOException {
        RespInput in = new RespInput(new OneByteAtATimeInputStream(bytes(wire)), 4);
        assertThat(decoder.readValue(in)).isEqualTo(expected);
        assertThat(in.read()).as("everything consumed").isEqualTo(-1);
    }

    @Test
    void aPipelineOfEveryRequestComesOutInOrderEachAtItsLastByteWhereverItIsCut() throws IOException {
        List<Arguments> cases = requests().toList();
        assertPipeline(true, cases);
    }

    @Test
    void aStreamOfEveryReplyComesOutInOrderEachAtItsLastByteWhereverItIsCut() throws IOException {
        List<Arguments> cases = replies().toList();
        assertPipeline(false, cases);
    }

    private void assertPipeline(boolean requests, List<Arguments> cases) throws IOException {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        List<Object> expected = new ArrayList<>();
        List<Integer> ends = new ArrayList<>();
        for (Arguments each : cases) {
            wire.writeBytes(bytes((String) each.get()[0]));
            expected.add(each.get()[1]);
            ends.add(wire.size());
        }
        byte[] bytes = wire.toByteArray();
        Feed.Outcome oneByte = Feed.feed(decoder, requests, bytes, Feed.everyByte(bytes));
        assertThat(oneByte.decoded()).isEqualTo(expected);
        assertThat(oneByte.at()).isEqualTo(ends);
        for (int cut = 1; cut < bytes.length; cut++) {
            assertThat(Feed.feed(decoder, requests, bytes, cut).decoded()).as("cut at %d", cut).isEqualTo(expected);
        }
        Random random = new Random(11);
        for (int round = 0; round < 200; round++) {
            int[] cuts = random.ints(random.nextInt(1, 40), 1, bytes.length).sorted().distinct().toArray();
            assertThat(Feed.feed(decoder, requests, bytes, cuts).decoded()).as("cut at %s", Arrays.toString(cuts))
                    .isEqualTo(expected);
        }
    }

    // ---- malformed input

    static Stream<Arguments> malformedRequests() {
        return Stream.of(
                Arguments.of("*x", "invalid multibulk length"),
                Arguments.of("*-\r", "invalid multibulk length"),
                Arguments.of("*\r", "invalid multibulk length"),
                Arguments.of("*0\rX", "invalid multibulk length"),
                Arguments.of("*1\n", "invalid multibulk length"),
                Arguments.of("*01", "invalid multibulk length"),
                Arguments.of("*-0\r", "invalid multibulk length"),
                Arguments.of("*+", "invalid multibulk length"),
                Arguments.of("*1 ", "invalid multibulk length"),
                Arguments.of("*9999999999999999999", "invalid multibulk length"),
                Arguments.of("*1001\r\n", "invalid multibulk length"),
                Arguments.of("*1\r\n:", "expected '$', got ':'"),
                Arguments.of("*1\r\n\u0000", "expected '$', got '\\x00'"),
                Arguments.of("*2\r\n$1\r\na\r\n*", "expected '$', got '*'"),
                Arguments.of("*1\r\n$-5\r\n", "invalid bulk length"),
                Arguments.of("*1\r\n$-1\r\n", "invalid bulk length"),
                Arguments.of("*1\r\n$\r", "invalid bulk length"),
                Arguments.of("*1\r\n$3\n", "invalid bulk length"),
                Arguments.of("*1\r\n$3x", "invalid bulk length"),
                Arguments.of("*1\r\n$1048577\r\n", "invalid bulk length"),
                Arguments.of("*1\r\n$9999999999999999999", "invalid bulk length"),
                Arguments.of("*1\r\n$3\r\nabcX", "expected CRLF after bulk data"),
                Arguments.of("*1\r\n$3\r\nabc\rX", "expected CRLF after bulk data"),
                Arguments.of("*1\r\n$0\r\n\n", "expected CRLF after bulk data"),
                Arguments.of("SET a \"oops\r\n", "unbalanced quotes in request"),
                Arguments.of("SET a 'oops'x\n", "unbalanced quotes in request"),
                Arguments.of("x".repeat(1026), "too big inline request"),
                Arguments.of("x".repeat(1025) + "\n", "too big inline request"),
                Arguments.of("x".repeat(1025) + "\r", "too big inline request"));
    }

    static Stream<Arguments> malformedReplies() {
        return Stream.of(
                Arguments.of("?", "unknown type byte '?'"),
                Arguments.of("\u0000", "unknown type byte '\\x00'"),
                Arguments.of("*2\r\n+a\r\n?", "unknown type byte '?'"),
                Arguments.of(":12a", "invalid integer"),
                Arguments.of(":\r", "invalid integer"),
                Arguments.of(":1\r\r", "invalid integer"),
                Arguments.of(":9223372036854775808", "invalid integer"),
                Arguments.of(":-9223372036854775809", "invalid integer"),
                Arguments.of("$-2\r\n", "invalid bulk length"),
                Arguments.of("$1048577\r\n", "invalid bulk length"),
                Arguments.of("$1\r\nab", "expected CRLF after bulk data"),
                Arguments.of("_x", "expected CRLF after bulk data"),
                Arguments.of("#x\r\n", "invalid boolean 'x'"),
                Arguments.of(",abc\r\n", "invalid double 'abc'"),
                Arguments.of("(12a\r\n", "invalid big number"),
                Arguments.of("=3\r\nabc\r\n", "invalid verbatim string"),
                Arguments.of("=-1\r\n", "invalid verbatim string"),
                Arguments.of("*x", "invalid aggregate length"),
                Arguments.of("*1001\r\n", "aggregate of 1001 elements is over the limit"),
                Arguments.of("%501\r\n", "aggregate of 501 elements is over the limit"),
                Arguments.of("*1\r\n".repeat(9) + ":", "nesting deeper than 8"),
                Arguments.of("|1\r\n".repeat(9) + "+", "nesting deeper than 8"),
                Arguments.of("+" + "x".repeat(1026), "line too long"));
    }

    @ParameterizedTest
    @MethodSource("malformedRequests")
    void aMalformedRequestIsRejectedAtTheByteThatMakesItMalformed(String wire, String error) throws IOException {
        byte[] bytes = bytes(wire);
        Feed.Outcome oneByte = Feed.requests(decoder, bytes, Feed.everyByte(bytes));
        assertThat(oneByte.error()).isEqualTo(error);
        assertThat(oneByte.errorAt()).as("at its last byte, not before").isEqualTo(bytes.length);
        assertThat(oneByte.decoded()).isEmpty();
        assertThat(Feed.requests(decoder, bytes(wire + "\r\n*1\r\n$4\r\nPING\r\n")).error())
                .as("whole, with more after it").isEqualTo(error);
        assertThatThrownBy(() -> decoder.readRequest(new RespInput(new ByteArrayInputStream(bytes))))
                .as("read from a stream").isInstanceOf(RespProtocolException.class).hasMessage(error);
    }

    @ParameterizedTest
    @MethodSource("malformedReplies")
    void aMalformedReplyIsRejectedAtTheByteThatMakesItMalformed(String wire, String error) throws IOException {
        byte[] bytes = bytes(wire);
        Feed.Outcome oneByte = Feed.values(decoder, bytes, Feed.everyByte(bytes));
        assertThat(oneByte.error()).isEqualTo(error);
        assertThat(oneByte.errorAt()).as("at its last byte, not before").isEqualTo(bytes.length);
        assertThat(oneByte.decoded()).isEmpty();
        assertThat(Feed.values(decoder, bytes(wire + "\r\n+OK\r\n")).error()).as("whole, with more after it")
                .isEqualTo(error);
        assertThatThrownBy(() -> decoder.readValue(new RespInput(new ByteArrayInputStream(bytes))))
                .as("read from a stream").isInstanceOf(RespProtocolException.class).hasMessage(error);
    }

    /**
     * Every byte of the pipelines above replaced in turn by bytes that matter to the grammar:
     * whole, one byte at a time and cut at random, the decoder makes the same of it (the same
     * values, then the same error or none), and fails with nothing but a protocol error.
     */
    @Test
    void aPipelineCorruptedAtAnyPositionDecodesTheSameWhereverItIsCut() throws IOException {
        byte[] corruptions = bytes("\r\n*$:-0x \"\u0000");
        Random random = new Random(5);
        for (boolean requests : new boolean[] {true, false}) {
            ByteArrayOutputStream wire = new ByteArrayOutputStream();
            (requests ? requests() : replies()).forEach(each -> wire.writeBytes(bytes((String) each.get()[0])));
            byte[] good = wire.toByteArray();
            for (int position = 0; position < good.length; position++) {
                for (byte corruption : corruptions) {
                    byte[] bytes = good.clone();
                    bytes[position] = corruption;
                    Feed.Outcome whole = Feed.feed(decoder, requests, bytes);
                    Feed.Outcome oneByte = Feed.feed(decoder, requests, bytes, Feed.everyByte(bytes));
                    int[] cuts = random.ints(8, 1, bytes.length).sorted().distinct().toArray();
                    Feed.Outcome cut = Feed.feed(decoder, requests, bytes, cuts);
                    String what = (requests ? "requests" : "replies") + " with byte " + position + " made '"
                            + (char) corruption + "'";
                    assertThat(oneByte.sameAs(whole)).as("%s, one byte at a time: %s; whole: %s", what, oneByte, whole)
                            .isTrue();
                    assertThat(cut.sameAs(whole)).as("%s, cut at %s: %s; whole: %s", what, Arrays.toString(cuts),
                            cut, whole).isTrue();
                }
            }
        }
    }

    @Test
    void afterAProtocolErrorNothingMoreIsDecoded() throws IOException {
        RespInput in = RespInput.fedBy(64);
        in.fill(new PiecesChannel(bytes("*1\r\n$x\r\n*1\r\n$4\r\nPING\r\n")).withEverything());
        assertThatThrownBy(() -> decoder.decodeRequest(in)).hasMessage("invalid bulk length");
        assertThatThrownBy(() -> decoder.decodeRequest(in)).as("the stream cannot be trusted past it")
                .hasMessage("invalid bulk length");
    }

    @Test
    void randomBinaryGarbageNeverHangsOrCrashesTheDecoder() throws IOException {
        Random random = new Random(42);
        String typeBytes = "*$+-:!%~>|_#,(=\u0000\u00ff";
        for (int round = 0; round < 500; round++) {
            byte[] garbage = new byte[random.nextInt(512) + 1];
            random.nextBytes(garbage);
            garbage[0] = (byte) typeBytes.charAt(random.nextInt(typeBytes.length()));
            Feed.Outcome whole = Feed.values(decoder, garbage);
            Feed.Outcome oneByte = Feed.values(decoder, garbage, Feed.everyByte(garbage));
            assertThat(oneByte.sameAs(whole)).as("round %d: %s against %s", round, oneByte, whole).isTrue();
            assertThat(Feed.requests(decoder, garbage, Feed.everyByte(garbage))
                    .sameAs(Feed.requests(decoder, garbage))).isTrue();
        }
    }

    // ---- numbers, as Redis's string2ll reads them

    @Test
    void lengthsAndIntegersAreReadAsRedisReadsThem() throws IOException {
        assertThat(Feed.values(decoder, bytes(":007\r\n")).error()).as("leading zeros").isEqualTo("invalid integer");
        assertThat(Feed.values(decoder, bytes(":-0\r\n")).error()).as("minus zero").isEqualTo("invalid integer");
        assertThat(Feed.values(decoder, bytes(":+7\r\n")).error()).as("a plus sign").isEqualTo("invalid integer");
        assertThat(Feed.values(decoder, bytes(":-\r\n")).error()).as("a sign alone").isEqualTo("invalid integer");
        assertThat(Feed.values(decoder, bytes("$-0\r\n")).error()).isEqualTo("invalid bulk length");
        assertThat(Feed.requests(decoder, bytes("*-5\r\n*1\r\n$4\r\nPING\r\n")).decoded())
                .as("a negative count is an empty request, skipped").containsExactly(Request.of("PING"));
    }

    /** Regression: 19-digit integers were refused, so an INCR's reply near either end failed to decode. */
    @Test
    void integersCoverTheWhole64BitRange() throws IOException {
        assertThat(Feed.values(decoder, bytes(":9223372036854775807\r\n:-9223372036854775808\r\n:1000000000000000000\r\n"))
                .decoded()).containsExactly(new RespValue.Integer(Long.MAX_VALUE), new RespValue.Integer(Long.MIN_VALUE),
                        new RespValue.Integer(1_000_000_000_000_000_000L));
        for (String outOfRange : List.of(":9223372036854775808\r\n", ":-9223372036854775809\r\n",
                ":10000000000000000000\r\n")) {
            assertThat(Feed.values(decoder, bytes(outOfRange)).error()).as(outOfRange).isEqualTo("invalid integer");
        }
    }

    // ---- limits: never trust a declared length

    @Test
    void aDeclaredBulkLengthIsNotAllocatedBeforeItsBytesArrive() throws IOException {
        RespDecoder big = new RespDecoder(new RespLimits(512L * 1024 * 1024, 10, 1024, 8));
        RespInput in = RespInput.fedBy(16 * 1024);
        PiecesChannel channel = new PiecesChannel(bytes(wire("*1\r\n$536870000\r\n", new byte[100_000], "")));
        channel.next();
        while (channel.unread() > 0) {
            in.fill(channel);
            assertThat(big.decodeRequest(in)).isNull();
            assertThat(in.progress.bulk.length).as("the bulk string's array, after %d bytes", channel.sent())
                    .isLessThanOrEqualTo(Math.max(64 * 1024, 8 * channel.sent()));
        }
        assertThat(in.buffer.length).as("the bytes are taken out of the buffer as they come").isEqualTo(16 * 1024);
    }

    @Test
    void aDeclaredArgumentCountIsNotAllocatedBeforeTheArgumentsArrive() throws IOException {
        RespDecoder many = new RespDecoder(new RespLimits(1024, 1024 * 1024, 1024, 8));
        RespInput in = RespInput.fedBy(64);
        in.fill(new PiecesChannel(bytes("*1048576\r\n$1\r\na\r\n")).withEverything());
        assertThat(many.decodeRequest(in)).isNull();
        assertThat(in.progress.args.length).isEqualTo(1024);
    }

    @Test
    void aRequestWithMoreArgumentsThanFirstAllocatedGrowsToHoldThemAll() throws IOException {
        RespDecoder many = new RespDecoder(new RespLimits(1024, 1024 * 1024, 1024, 8));
        String[] args = new String[3000];
        Arrays.fill(args, "a");
        byte[] bytes = bytes("*3000\r\n" + "$1\r\na\r\n".repeat(3000));
        assertThat(Feed.requests(many, bytes, 100, 5000, 10000).decoded()).containsExactly(Request.of(args));
    }

    @Test
    void aRequestOrReplyLargerThanTheMessageLimitIsRejectedAtTheLengthThatPassesIt() throws IOException {
        RespDecoder small = new RespDecoder(new RespLimits(1024, 1000, 1024, 8, 100));
        String sixty = "x".repeat(60);
        assertThat(Feed.requests(small, bytes("*3\r\n$3\r\nSET\r\n$60\r\n" + sixty + "\r\n$38\r\n")).error())
                .as("101 bytes declared").isEqualTo("request larger than 100 bytes");
        assertThat(Feed.requests(small, bytes("*3\r\n$3\r\nSET\r\n$60\r\n" + sixty + "\r\n$37\r\n" + "y".repeat(37)
                + "\r\n*1\r\n$60\r\n" + sixty + "\r\n")).decoded()).as("100 bytes, then a request of its own").hasSize(2);
        assertThat(Feed.values(small, bytes("*2\r\n$60\r\n" + sixty + "\r\n$41\r\n")).error())
                .isEqualTo("reply larger than 100 bytes");
    }

    // ---- reading from a stream

    @Test
    void aStreamThatEndsInTheMiddleOfAValueIsAnEndOfFileNotAProtocolError() {
        assertThatThrownBy(() -> decoder.readRequest(new RespInput(new ByteArrayInputStream(bytes("*1\r\n$3\r\nGET"))))
        ).isInstanceOf(EOFException.class);
        assertThatThrownBy(() -> decoder.readRequest(new RespInput(new ByteArrayInputStream(bytes("GET a")))))
                .isInstanceOf(EOFException.class);
        assertThatThrownBy(() -> decoder.readValue(new RespInput(new ByteArrayInputStream(bytes("*2\r\n:1\r\n")))))
                .isInstanceOf(EOFException.class);
    }

    @Test
    void aStreamThatEndsBetweenValuesEndsCleanly() throws IOException {
        RespInput in = new RespInput(new OneByteAtATimeInputStream(bytes("*1\r\n$4\r\nPING\r\nGET a\r\n\r\n")), 4);
        assertThat(decoder.readRequest(in)).isEqualTo(Request.of("PING"));
        assertThat(decoder.readRequest(in)).isEqualTo(Request.of("GET", "a"));
        assertThat(decoder.readRequest(in)).as("a blank line, then the end").isNull();
    }

    @Test
    void aLineLongerThanTheBufferGrowsItAndTheBufferShrinksBackOnceDrained() throws IOException {
        RespInput in = RespInput.fedBy(16);
        PiecesChannel channel = new PiecesChannel(bytes("+" + "x".repeat(1000) + "\r\n"), Feed.everyByte(new byte[1003]));
        RespValue value = null;
        while (value == null && channel.next()) {
            in.fill(channel);
            value = decoder.decodeValue(in);
        }
        assertThat(value).isEqualTo(new RespValue.SimpleString("x".repeat(1000)));
        assertThat(in.buffer.length).isGreaterThanOrEqualTo(1003);
        channel.next();
        in.fill(channel);
        assertThat(in.buffer.length).isEqualTo(16);
    }

    private static RespValue.Map map(String key, String value) {
        return new RespValue.Map(List.of(new RespValue.SimpleString(key), new RespValue.SimpleString(value)));
    }

    static byte[] bytes(String wire) {
        return wire.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** A wire with binary bytes in it, as a string of ISO-8859-1 characters (one per byte). */
    private static String wire(String head, byte[] body, String tail) {
        return head + new String(body, StandardCharsets.ISO_8859_1) + tail;
    }
}
