package kv.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import kv.protocol.endpoint.RespServerConnectionFactory;
import kv.protocol.resp.Replies;
import kv.protocol.resp.RespValue;
import kv.server.testing.KvServerProcess;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The event loop over real TCP, against the real server: requests cut anywhere, values larger
 * than every buffer, a flooding client held back by backpressure, a client that does not read,
 * many clients in one round, clients that hang up, and malformed input. Every test runs under a
 * time limit, so a stuck loop fails the test instead of hanging the build.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {"kv.server.port=0", "kv.server.limits.max-bulk=4MB"})
class EventLoopTest extends RunningServerTest {

    /** kv.server.limits.max-bulk above: small enough to declare more, large enough for a 3 MB value. */
    private static final long MAX_BULK = 4 * 1024 * 1024;

    /** A client receive buffer this small makes the server's replies back up soon. */
    private static final int SMALL_RECEIVE_BUFFER = 64 * 1024;

    private static final Duration LIMIT = Duration.ofSeconds(5);

    @Autowired
    RespServerConnectionFactory connectionFactory;

    int port;

    @BeforeEach
    void emptyStore() throws IOException {
        port = connectionFactory.getPort();
        try (RawConnection client = connect()) {
            assertThat(client.send("FLUSHDB\r\n").read()).isEqualTo(Replies.OK);
        }
    }

    @Test
    void aRequestWrittenOneByteAtATimeGetsOneReply() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (RawConnection client = connect()) {
                byte[] set = command("SET", "split", "one byte at a time");
                for (int i = 0; i < set.length - 1; i++) {
                    client.send(new byte[] {set[i]});
                    Thread.sleep(1);
                }
                Thread.sleep(50);
                assertThat(client.socket().getInputStream().available()).as("no reply to part of a request").isZero();
                client.send(new byte[] {set[set.length - 1]});
                assertThat(client.read()).isEqualTo(Replies.OK);
                assertThat(client.send(command("GET", "split")).read()).isEqualTo(Replies.bulk("one byte at a time"));
            }
        });
    }

    @Test
    void twoRequestsInOneWriteGetTwoRepliesInOrder() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (RawConnection client = connect()) {
                client.send(concat(command("SET", "pair", "first"), command("GET", "pair")));
                assertThat(client.read()).isEqualTo(Replies.OK);
                assertThat(client.read()).isEqualTo(Replies.bulk("first"));

                byte[] echo = command("ECHO", "second");
                client.send(concat(command("GET", "pair"), Arrays.copyOf(echo, 9)));
                assertThat(client.read()).as("a whole request is answered without waiting for the next")
                        .isEqualTo(Replies.bulk("first"));
                client.send(Arrays.copyOfRange(echo, 9, echo.length));
                assertThat(client.read()).isEqualTo(Replies.bulk("second"));
            }
        });
    }

    @Test
    void aPipelineGetsTheSameRepliesWhereverTcpCutsIt() {
        byte[] pipeline = ("*3\r\n$3\r\nSET\r\n$3\r\ncut\r\n$4\r\nv\r\nx\r\n" + "\r\n" + "*0\r\n"
                + "GET cut\r\n" + "*2\r\n$4\r\nECHO\r\n$0\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        List<RespValue> expected = List.of(Replies.OK, Replies.bulk("v\r\nx"), Replies.bulk(""));
        assertTimeoutPreemptively(LIMIT, () -> {
            for (int cut = 1; cut < pipeline.length; cut++) {
                try (RawConnection client = connect()) {
                    client.send(Arrays.copyOf(pipeline, cut));
                    Thread.sleep(5);
                    client.send(Arrays.copyOfRange(pipeline, cut, pipeline.length));
                    List<RespValue> replies = new ArrayList<>();
                    for (int i = 0; i < expected.size(); i++) {
                        replies.add(client.read());
                    }
                    assertThat(replies).as("replies with the pipeline cut after byte %d", cut).isEqualTo(expected);
                }
            }
        });
    }

    @Test
    void aThreeMegabyteValueSentInChunksRoundTripsByteExact() {
        assertTimeoutPreemptively(LIMIT, () -> {
            byte[] value = new byte[3 * 1024 * 1024];
            new Random(2).nextBytes(value); // CR, LF, '*' and '$' included
            byte[] set = command(bytes("SET"), bytes("big"), value);
            try (RawConnection client = connect()) {
                for (int at = 0; at < set.length; at += 64 * 1024) {
                    client.send(Arrays.copyOfRange(set, at, Math.min(set.length, at + 64 * 1024)));
                }
                assertThat(client.read()).isEqualTo(Replies.OK);
                assertThat(Arrays.mismatch(bulkBytes(client.send(command("GET", "big")).read()), value))
                        .as("first byte that differs").isEqualTo(-1);

                value[0] ^= 1;
                client.send(concat(command(bytes("SET"), bytes("big"), value), command("GET", "big"),
                        command("PING")));
                assertThat(client.read()).isEqualTo(Replies.OK);
                assertThat(Arrays.mismatch(bulkBytes(client.read()), value))
                        .as("first byte that differs").isEqualTo(-1);
                assertThat(client.read()).isEqualTo(Replies.PONG);
            }
        });
    }

    @Test
    void aClientThatWritesTwentyThousandCommandsBeforeReadingIsHeldBackThenAnsweredInOrder() {
        int pairs = 10_000;
        ByteArrayOutputStream pipeline = new ByteArrayOutputStream();
        for (int i = 0; i < pairs; i++) {
            pipeline.writeBytes(command(bytes("SET"), bytes("flood:" + i), floodValue(i)));
            pipeline.writeBytes(command("GET", "flood:" + i));
        }
        byte[] everything = pipeline.toByteArray(); // 40 MB in, 40 MB of replies
        ExecutorService writer = Executors.newSingleThreadExecutor();
        try {
            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
                try (RawConnection flooder = connect(SMALL_RECEIVE_BUFFER); RawConnection observer = connect()) {
                    Future<?> written = writer.submit(() -> flooder.send(everything));
                    long ran = settledKeyCount(observer);
                    assertThat(ran).as("SETs run while the flooder reads no reply: the server stopped reading it")
                            .isBetween(1L, pairs / 2L);
                    assertThat(written).as("the flooder's write is blocked").isNotDone();

                    for (int i = 0; i < pairs; i++) {
                        assertThat(flooder.read()).as("reply to SET flood:%d", i).isEqualTo(Replies.OK);
                        RespValue value = flooder.read();
                        if (!value.equals(Replies.bulk(floodValue(i)))) {
                            assertThat(value).as("reply to GET flood:%d", i).isEqualTo(Replies.bulk(floodValue(i)));
                        }
                    }
                    written.get(5, TimeUnit.SECONDS);
                    assertThat(observer.send("DBSIZE\r\n").read()).isEqualTo(Replies.integer(pairs));
                    assertThat(flooder.send("PING\r\n").read()).isEqualTo(Replies.PONG);
                }
            });
        }
        finally {
            writer.shutdownNow();
        }
    }

    @Test
    void aClientThatDoesNotReadItsRepliesDoesNotHoldUpTheOthers() {
        byte[] big = new byte[100 * 1024];
        new Random(4).nextBytes(big);
        int gets = 200; // 20 MB of replies
        assertTimeoutPreemptively(Duration.ofSeconds(8), () -> {
            try (RawConnection slow = connect(SMALL_RECEIVE_BUFFER); RawConnection other = connect()) {
                assertThat(other.send(command(bytes("SET"), bytes("bigkey"), big)).read()).isEqualTo(Replies.OK);
                ByteArrayOutputStream pipeline = new ByteArrayOutputStream();
                for (int i = 0; i < gets; i++) {
                    pipeline.writeBytes(command("GET", "bigkey"));
                }
                slow.send(pipeline.toByteArray());

                long readAgain = System.nanoTime() + Duration.ofSeconds(1).toNanos();
                for (int i = 0; System.nanoTime() < readAgain; i++) {
                    String key = "meanwhile:" + i;
                    assertTimeoutPreemptively(Duration.ofSeconds(1), () -> {
                        assertThat(other.send("PING\r\n").read()).isEqualTo(Replies.PONG);
                        assertThat(other.send(command("SET", key, "served")).read()).isEqualTo(Replies.OK);
                        assertThat(other.send(command("GET", key)).read()).isEqualTo(Replies.bulk("served"));
                    }, "another client's requests while one does not read");
                    Thread.sleep(100);
                }

                for (int i = 0; i < gets; i++) {
                    RespValue reply = slow.read();
                    assertThat(Arrays.mismatch(bulkBytes(reply), big)).as("GET bigkey number %d", i).isEqualTo(-1);
                }
                assertThat(slow.send("PING\r\n").read()).isEqualTo(Replies.PONG);
            }
        });
    }

    /**
     * A DUMP far larger than the 256 KB the connection writes ahead goes out a slice at a time
     * while the client reads slowly, keeps its place among pipelined replies, and other clients
     * are served meanwhile.
     */
    @Test
    void aLargeDumpIsStreamedInOrderWhileOthersAreServed() {
        byte[] value = new byte[1024];
        new Random(5).nextBytes(value);
        int keys = 5_000; // about 5 MB of pairs
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            try (RawConnection loader = connect()) {
                ByteArrayOutputStream sets = new ByteArrayOutputStream();
                for (int i = 0; i < keys; i++) {
                    sets.writeBytes(command(bytes("SET"), bytes(String.format("dump:%05d", i)), value));
                }
                loader.send(sets.toByteArray());
                for (int i = 0; i < keys; i++) {
                    assertThat(loader.read()).isEqualTo(Replies.OK);
                }
            }
            try (RawConnection reader = connect(SMALL_RECEIVE_BUFFER); RawConnection other = connect()) {
                reader.send("PING\r\nDUMP dump:*\r\nECHO after\r\n");
                assertThat(reader.read()).isEqualTo(Replies.PONG);
                Thread.sleep(300); // the DUMP waits on this client's reading
                assertTimeoutPreemptively(Duration.ofSeconds(1),
                        () -> assertThat(other.send("PING\r\n").read()).isEqualTo(Replies.PONG),
                        "another client while a DUMP is streamed to a slow reader");
                RespValue dump = reader.read();
                assertThat(dump).isInstanceOf(RespValue.Array.class);
                List<RespValue> pairs = ((RespValue.Array) dump).elements();
                assertThat(pairs).hasSize(2 * keys);
                for (int i = 0; i < keys; i++) {
                    assertThat(pairs.get(2 * i)).isEqualTo(Replies.bulk(String.format("dump:%05d", i)));
                    assertThat(Arrays.mismatch(bulkBytes(pairs.get(2 * i + 1)), value)).isEqualTo(-1);
                }
                assertThat(reader.read()).as("the reply after the DUMP").isEqualTo(Replies.bulk("after"));
            }
        });
    }

    @Test
    void writesFromFiftyClientsInOneRoundAreAllVisibleOnceAcknowledged() {
        int clients = 50;
        List<RawConnection> writers = new ArrayList<>();
        try {
            assertTimeoutPreemptively(LIMIT, () -> {
                for (int i = 0; i < clients; i++) {
                    writers.add(connect());
                }
                try (RawConnection reader = connect()) {
                    for (int round = 0; round < 10; round++) {
                        // Written back to back, so the SETs arrive together and share a round.
                        for (int i = 0; i < clients; i++) {
                            writers.get(i).send(command("SET", "client:" + i, "round " + round));
                        }
                        List<String> keys = new ArrayList<>();
                        List<RespValue> values = new ArrayList<>();
                        for (int i = 0; i < clients; i++) {
                            assertThat(writers.get(i).read()).isEqualTo(Replies.OK);
                            assertThat(reader.send(command("GET", "client:" + i)).read())
                                    .as("client %d's write, read by another client once acknowledged", i)
                                    .isEqualTo(Replies.bulk("round " + round));
                            keys.add("client:" + i);
                            values.add(Replies.bulk("round " + round));
                        }
                        keys.add(0, "MGET");
                        assertThat(reader.send(command(keys.toArray(new String[0]))).read())
                                .isEqualTo(new RespValue.Array(values));
                    }
                }
            });
        }
        finally {
            for (RawConnection writer : writers) {
                closeQuietly(writer);
            }
        }
    }

    @Test
    void aWriteFromAClientThatHangsUpWithoutReadingIsApplied() {
        assertTimeoutPreemptively(LIMIT, () -> {
            for (int i = 0; i < 20; i++) {
                try (RawConnection client = connect()) {
                    client.send(command("SET", "hangup:" + i, "applied"));
                }
            }
            try (RawConnection halfClosed = connect()) {
                halfClosed.send(command("SET", "half-closed", "applied"));
                halfClosed.socket().shutdownOutput();
                assertThat(halfClosed.read()).as("the request sent before the end of input is answered")
                        .isEqualTo(Replies.OK);
                assertThat(halfClosed.closedByServer()).isTrue();
            }
            try (RawConnection reader = connect()) {
                assertThat(reader.send(command("GET", "half-closed")).read()).isEqualTo(Replies.bulk("applied"));
                for (int i = 0; i < 20; i++) {
                    assertThat(awaitValue(reader, "hangup:" + i)).as("hangup:%d", i).isEqualTo(Replies.bulk("applied"));
                }
            }
        });
    }

    @Test
    void aProtocolErrorMidPipelineAnswersTheRequestsBeforeItThenCloses() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (RawConnection bad = connect(); RawConnection other = connect()) {
                bad.send("SET a 1\r\nGET a\r\n*1\r\n$x\r\nPING\r\n");
                assertThat(bad.read()).isEqualTo(Replies.OK);
                assertThat(bad.read()).isEqualTo(Replies.bulk("1"));
                assertThat(bad.read()).isEqualTo(Replies.protocolError("invalid bulk length"));
                assertThat(bad.closedByServer()).as("nothing after the error is run or answered").isTrue();

                assertThat(other.send("GET a\r\n").read()).isEqualTo(Replies.bulk("1"));
                assertThat(other.send("PING\r\n").read()).isEqualTo(Replies.PONG);
            }
        });
    }

    @Test
    void aBulkLengthOverTheLimitIsRefusedBeforeItsBodyIsSent() {
        assertTimeoutPreemptively(Duration.ofSeconds(2), () -> {
            try (RawConnection client = connect(); RawConnection other = connect()) {
                client.send("*3\r\n$3\r\nSET\r\n$4\r\nhuge\r\n$" + (MAX_BULK + 1) + "\r\n");
                assertThat(client.read()).isEqualTo(Replies.protocolError("invalid bulk length"));
                assertThat(client.closedByServer()).isTrue();
                assertThat(other.send("EXISTS huge\r\n").read()).isEqualTo(Replies.ZERO);
            }
        });
    }

    @Test
    void aBulkLengthAtTheLimitIsAwaitedAndAccepted() {
        assertTimeoutPreemptively(LIMIT, () -> {
            byte[] value = new byte[(int) MAX_BULK];
            Arrays.fill(value, (byte) 'z');
            byte[] set = command(bytes("SET"), bytes("largest"), value);
            try (RawConnection client = connect()) {
                client.send(Arrays.copyOf(set, set.length - value.length - 2));
                Thread.sleep(100);
                assertThat(client.socket().getInputStream().available()).as("no reply before the body").isZero();
                client.send(Arrays.copyOfRange(set, set.length - value.length - 2, set.length));
                assertThat(client.read()).isEqualTo(Replies.OK);
                assertThat(Arrays.mismatch(bulkBytes(client.send("GET largest\r\n").read()), value)).isEqualTo(-1);
            }
        });
    }

    /**
     * {@code *0\r} followed by anything but a line feed: the whole-request scanner the decoder had
     * before it was resumable (RespInput.hasCompleteRequest) skipped the empty array to the next
     * line feed, found none and started over at the same place. Runs against
     * a server of its own, so that a loop that spins cannot take this class's server with it.
     */
    @Test
    void anEmptyArrayHeaderWithoutItsLineFeedDoesNotStallTheLoop(@TempDir Path workDir) throws Exception {
        try (KvServerProcess server = KvServerProcess.start(workDir)) {
            assertTimeoutPreemptively(LIMIT, () -> {
                try (RawConnection garbage = new RawConnection(server.port());
                     RawConnection other = new RawConnection(server.port())) {
                    garbage.send("*0\rX");
                    assertTimeoutPreemptively(Duration.ofSeconds(1),
                            () -> assertThat(other.send("PING\r\n").read()).isEqualTo(Replies.PONG),
                            "another client's PING after *0\\rX");
                }
            });
        }
    }

    /**
     * {@code *-1} is a null array, which the decoder skips like an empty one (as Redis does), but
     * the old whole-request scanner (RespInput.hasCompleteRequest) called a count with a minus sign
     * malformed and so "whole": the decoder then read past the bytes received, hit their end, and
     * the requests of the batch already decoded (the SET) were lost with the connection. Sent in
     * one write, the pipeline worked. (In memory: RespRequestDeserializerTest.)
     */
    @Test
    void aNullArrayInAPipelineIsSkippedWhereverTcpCutsIt() {
        byte[] pipeline = "SET null-array 1\r\n*-1\r\nGET null-array\r\n".getBytes(StandardCharsets.US_ASCII);
        List<RespValue> expected = List.of(Replies.OK, Replies.bulk("1"));
        assertTimeoutPreemptively(LIMIT, () -> {
            List<Integer> wrongCuts = new ArrayList<>();
            for (int cut = 0; cut < pipeline.length; cut++) {
                try (RawConnection client = connect()) {
                    client.send(Arrays.copyOf(pipeline, cut));
                    Thread.sleep(5);
                    client.send(Arrays.copyOfRange(pipeline, cut, pipeline.length));
                    List<RespValue> replies = Arrays.asList(client.read(), client.read());
                    if (!replies.equals(expected)) {
                        wrongCuts.add(cut);
                    }
                }
            }
            assertThat(wrongCuts).as("cuts of %s after which the replies differ from %s",
                    new String(pipeline, StandardCharsets.US_ASCII).replace("\r\n", "\\r\\n"), expected).isEmpty();
        });
    }

    // ---- helpers

    private RawConnection connect() throws IOException {
        return connect(0);
    }

    /** A connection with no Nagle delay and, if {@code receiveBuffer > 0}, that receive buffer. */
    private RawConnection connect(int receiveBuffer) throws IOException {
        Socket socket = new Socket();
        socket.setTcpNoDelay(true);
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        return new RawConnection(socket);
    }

    /**
     * DBSIZE once it stops changing: how much of a flood the server ran before it stopped reading.
     * A count that keeps growing fails the test: the server is still reading a client whose
     * replies pile up unread.
     */
    private static long settledKeyCount(RawConnection observer) throws IOException, InterruptedException {
        List<Long> counts = new ArrayList<>();
        for (int i = 0; i < 15; i++) {
            Thread.sleep(200);
            counts.add(((RespValue.Integer) observer.send("DBSIZE\r\n").read()).value());
            if (i > 0 && counts.get(i).equals(counts.get(i - 1)) && counts.get(i) > 0) {
                return counts.get(i);
            }
        }
        throw new AssertionError("DBSIZE every 200 ms did not settle: " + counts);
    }

    /** GET {@code key} until it exists: a write from a client that hung up is applied when the server reads it. */
    private static RespValue awaitValue(RawConnection reader, String key) throws IOException, InterruptedException {
        RespValue value = Replies.NULL;
        for (int i = 0; i < 200 && value.equals(Replies.NULL); i++) {
            value = reader.send(command("GET", key)).read();
            if (value.equals(Replies.NULL)) {
                Thread.sleep(10);
            }
        }
        return value;
    }

    /** 4 KB that say which key they belong to. */
    private static byte[] floodValue(int i) {
        byte[] value = new byte[4096];
        Arrays.fill(value, (byte) ('a' + i % 26));
        byte[] name = bytes("value " + i + " ");
        System.arraycopy(name, 0, value, 0, name.length);
        return value;
    }

    private static byte[] bulkBytes(RespValue reply) {
        assertThat(reply).isInstanceOf(RespValue.BulkString.class);
        return ((RespValue.BulkString) reply).bytes();
    }

    private static byte[] command(String... args) {
        byte[][] bytes = new byte[args.length][];
        for (int i = 0; i < args.length; i++) {
            bytes[i] = bytes(args[i]);
        }
        return command(bytes);
    }

    /** A request as clients send it: an array of bulk strings. */
    private static byte[] command(byte[]... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(bytes("*" + args.length + "\r\n"));
        for (byte[] arg : args) {
            out.writeBytes(bytes("$" + arg.length + "\r\n"));
            out.writeBytes(arg);
            out.writeBytes(bytes("\r\n"));
        }
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static void closeQuietly(RawConnection connection) {
        try {
            connection.close();
        }
        catch (IOException ignored) {
            // closing anyway
        }
    }
}
