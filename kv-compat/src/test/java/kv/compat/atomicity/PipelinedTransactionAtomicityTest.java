package kv.compat.atomicity;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TransactionResult;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import kv.compat.support.Reply;
import kv.compat.support.Target;
import kv.compat.support.WireConnection;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Transaction;

/**
 * Issue 14's most dangerous case: {@code MULTI; SET a; SET b; EXEC} sent in one batch (by a raw
 * socket in one write, by Jedis and by Lettuce; redis-py's is {@code RedisPyScenariosTest}'s
 * {@code pipeline_atomic}), again and again, while a second client reads both keys in one
 * {@code MGET}. On Redis a transaction is all or nothing: the reader never sees {@code a} written
 * and {@code b} not. A server that refuses MULTI and runs the SETs one by one fails here.
 *
 * <p>The loop is bounded by a number of transactions, not by time; the reader runs until the
 * writer is done and must have read at least once.
 */
class PipelinedTransactionAtomicityTest {

    private static final int TRANSACTIONS = 400;
    private static final String PREFIX = "compat-atomic-" + Long.toString(System.nanoTime(), 36) + ":";

    /** A client that sends the whole transaction in one batch. */
    enum Client {
        RAW_SOCKET, JEDIS, LETTUCE
    }

    /** Sends one {@code MULTI; SET a i; SET b i; EXEC} and checks EXEC's replies. */
    private interface Writer extends AutoCloseable {
        void transaction(String a, String b, int i) throws Exception;
    }

    static Stream<Arguments> clientsAndTargets() {
        return Stream.of(Target.values()).flatMap(target -> Stream.of(Client.values())
                .map(client -> Arguments.of(target, client)));
    }

    @ParameterizedTest(name = "{1} against {0}")
    @MethodSource("clientsAndTargets")
    void aConcurrentReaderNeverSeesHalfATransaction(Target target, Client client) throws Exception {
        String a = PREFIX + client + ":" + target + ":a";
        String b = PREFIX + client + ":" + target + ":b";
        try (WireConnection setup = new WireConnection(target.port())) {
            assertThat(setup.call("MSET", a, "0", b, "0")).isEqualTo(Reply.simple('+', "OK"));
        }
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger reads = new AtomicInteger();
        List<String> halves = Collections.synchronizedList(new ArrayList<>());
        AtomicReference<Throwable> readerFailure = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            try (WireConnection connection = new WireConnection(target.port())) {
                while (!done.get()) {
                    Reply pair = connection.call("MGET", a, b);
                    reads.incrementAndGet();
                    if (!pair.elements().get(0).equals(pair.elements().get(1)) && halves.size() < 10) {
                        halves.add(pair.toString());
                    }
                }
            }
            catch (Throwable e) {
                readerFailure.set(e);
            }
        }, "atomicity-reader");
        reader.start();
        try (Writer writer = writer(client, target)) {
            for (int i = 1; i <= TRANSACTIONS; i++) {
                writer.transaction(a, b, i);
            }
        }
        finally {
            done.set(true);
            reader.join(Duration.ofSeconds(30).toMillis());
        }
        assertThat(readerFailure.get()).as("the reader's failure").isNull();
        assertThat(halves).as("MGET a b seeing one SET of a transaction without the other (%d reads)", reads.get())
                .isEmpty();
        assertThat(reads.get()).as("reads while the transactions ran").isPositive();
        try (WireConnection check = new WireConnection(target.port())) {
            String last = Integer.toString(TRANSACTIONS);
            assertThat(check.call("MGET", a, b)).isEqualTo(Reply.array(List.of(
                    Reply.bulk(last.getBytes(StandardCharsets.UTF_8)), Reply.bulk(last.getBytes(StandardCharsets.UTF_8)))));
        }
    }

    private static Writer writer(Client client, Target target) throws IOException {
        return switch (client) {
            case RAW_SOCKET -> rawSocket(target);
            case JEDIS -> jedis(target);
            case LETTUCE -> lettuce(target);
        };
    }

    /** The four requests in one {@code write}, then EXEC's replies read as bytes and compared exactly. */
    private static Writer rawSocket(Target target) throws IOException {
        Socket socket = new Socket("127.0.0.1", target.port());
        socket.setSoTimeout(10_000);
        socket.setTcpNoDelay(true);
        OutputStream out = socket.getOutputStream();
        InputStream in = socket.getInputStream();
        byte[] expected = "+OK\r\n+QUEUED\r\n+QUEUED\r\n*2\r\n+OK\r\n+OK\r\n".getBytes(StandardCharsets.US_ASCII);
        return new Writer() {
            @Override
            public void transaction(String a, String b, int i) throws IOException {
                ByteArrayOutputStream batch = new ByteArrayOutputStream();
                request(batch, "MULTI");
                request(batch, "SET", a, Integer.toString(i));
                request(batch, "SET", b, Integer.toString(i));
                request(batch, "EXEC");
                out.write(batch.toByteArray()); // one write: the server may see all four in one read
                out.flush();
                byte[] replies = in.readNBytes(expected.length);
                assertThat(new String(replies, StandardCharsets.US_ASCII)).as("the replies to transaction %d", i)
                        .isEqualTo(new String(expected, StandardCharsets.US_ASCII));
            }

            @Override
            public void close() throws IOException {
                socket.close();
            }
        };
    }

    private static void request(ByteArrayOutputStream batch, String... args) {
        StringBuilder text = new StringBuilder("*").append(args.length).append("\r\n");
        for (String arg : args) {
            text.append('$').append(arg.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(arg).append("\r\n");
        }
        batch.writeBytes(text.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Jedis's {@code multi()} pipelines MULTI and the queued commands; {@code exec()} sends EXEC and reads them all. */
    private static Writer jedis(Target target) {
        Jedis jedis = new Jedis("127.0.0.1", target.port(), 10_000);
        return new Writer() {
            @Override
            public void transaction(String a, String b, int i) {
                Transaction transaction = jedis.multi();
                transaction.set(a, Integer.toString(i));
                transaction.set(b, Integer.toString(i));
                assertThat(transaction.exec()).as("EXEC's replies to transaction %d", i).containsExactly("OK", "OK");
            }

            @Override
            public void close() {
                jedis.close();
            }
        };
    }

    /** Lettuce with auto-flush off: the four commands leave in one flush, as a pipelining application sends them. */
    private static Writer lettuce(Target target) {
        RedisClient client = RedisClient.create(RedisURI.create("127.0.0.1", target.port()));
        client.setDefaultTimeout(Duration.ofSeconds(10));
        StatefulRedisConnection<String, String> connection = client.connect();
        connection.setAutoFlushCommands(false);
        RedisAsyncCommands<String, String> commands = connection.async();
        return new Writer() {
            @Override
            public void transaction(String a, String b, int i) throws Exception {
                RedisFuture<String> multi = commands.multi();
                commands.set(a, Integer.toString(i));
                commands.set(b, Integer.toString(i));
                RedisFuture<TransactionResult> exec = commands.exec();
                connection.flushCommands();
                assertThat(multi.get(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("OK");
                TransactionResult result = exec.get(10, java.util.concurrent.TimeUnit.SECONDS);
                assertThat(result.wasDiscarded()).isFalse();
                assertThat(result.stream().toList()).as("EXEC's replies to transaction %d", i)
                        .containsExactly("OK", "OK");
            }

            @Override
            public void close() {
                connection.close();
                client.shutdown();
            }
        };
    }
}
