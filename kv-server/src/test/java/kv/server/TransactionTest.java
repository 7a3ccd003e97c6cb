package kv.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.lettuce.core.RedisClient;
import io.lettuce.core.TransactionResult;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import kv.protocol.endpoint.RespServerConnectionFactory;
import kv.server.expiry.ExpiryCycle;
import kv.server.testing.ManualClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.test.annotation.DirtiesContext;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Response;
import redis.clients.jedis.Transaction;

/**
 * MULTI, EXEC, DISCARD, WATCH and UNWATCH over TCP, byte for byte as Redis 7.0.15 answers (the
 * expected replies were read from Debian's redis-server), with two event loops so that a
 * concurrent client really runs at the same time, and a clock the test moves for expiry.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {"kv.server.port=0", "kv.server.io-threads=2", "kv.server.expiry.active=false"})
@DirtiesContext
class TransactionTest extends RunningServerTest {

    @TestConfiguration
    static class TestClock {
        @Bean
        @Primary
        ManualClock manualClock() {
            return new ManualClock();
        }
    }

    @Autowired
    RespServerConnectionFactory connectionFactory;

    @Autowired
    ManualClock clock;

    @Autowired
    ExpiryCycle cycle;

    int port;

    @BeforeEach
    void flush() {
        port = connectionFactory.getPort();
        try (Jedis jedis = jedis()) {
            jedis.flushAll();
        }
    }

    Jedis jedis() {
        return new Jedis("127.0.0.1", port, 10_000);
    }

    @Test
    void queuedCommandsRunAtExecWithTheirRepliesAndRuntimeErrorsInTheArray() throws IOException {
        assertThat(exchange("MULTI", "INCR a", "SET b 2", "INCR b", "GET b", "EXEC"))
                .isEqualTo("+OK\r\n+QUEUED\r\n+QUEUED\r\n+QUEUED\r\n+QUEUED\r\n*4\r\n:1\r\n+OK\r\n:3\r\n$1\r\n3\r\n");
        assertThat(exchange("MULTI", "SET s abc", "INCR s", "SET t 1", "EXEC", "GET t"))
                .as("a runtime error does not stop the others")
                .isEqualTo("+OK\r\n+QUEUED\r\n+QUEUED\r\n+QUEUED\r\n*3\r\n+OK\r\n"
                        + "-ERR value is not an integer or out of range\r\n+OK\r\n$1\r\n1\r\n");
        assertThat(exchange("MULTI", "EXEC")).isEqualTo("+OK\r\n*0\r\n");
        assertThat(exchange("MULTI", "SELECT 1", "SET sel 1", "EXEC", "GET sel", "SELECT 0", "GET sel"))
                .isEqualTo("+OK\r\n+QUEUED\r\n+QUEUED\r\n*2\r\n+OK\r\n+OK\r\n$1\r\n1\r\n+OK\r\n$-1\r\n");
    }

    @Test
    void errorsAroundTransactionsAreRedisOwn() throws IOException {
        assertThat(exchange("MULTI", "MULTI", "SET a 1", "EXEC"))
                .isEqualTo("+OK\r\n-ERR MULTI calls can not be nested\r\n+QUEUED\r\n*1\r\n+OK\r\n");
        assertThat(exchange("MULTI", "WATCH x", "SET a 1", "EXEC"))
                .isEqualTo("+OK\r\n-ERR WATCH inside MULTI is not allowed\r\n+QUEUED\r\n*1\r\n+OK\r\n");
        assertThat(exchange("EXEC", "DISCARD", "UNWATCH", "WATCH"))
                .isEqualTo("-ERR EXEC without MULTI\r\n-ERR DISCARD without MULTI\r\n+OK\r\n"
                        + "-ERR wrong number of arguments for 'watch' command\r\n");
        assertThat(exchange("MULTI", "UNWATCH", "DISCARD", "EXEC"))
                .isEqualTo("+OK\r\n+QUEUED\r\n+OK\r\n-ERR EXEC without MULTI\r\n");
    }

    @Test
    void aCommandRefusedWhileQueueingAbortsTheWholeTransaction() throws IOException {
        assertThat(exchange("MULTI", "SET x 1", "SET a", "SET y 1", "EXEC"))
                .isEqualTo("+OK\r\n+QUEUED\r\n-ERR wrong number of arguments for 'set' command\r\n+QUEUED\r\n"
                        + "-EXECABORT Transaction discarded because of previous errors.\r\n");
        assertThat(exchange("MULTI", "SET x 1", "NOSUCH a", "EXEC"))
                .isEqualTo("+OK\r\n+QUEUED\r\n-ERR unknown command 'NOSUCH', with args beginning with: 'a' \r\n"
                        + "-EXECABORT Transaction discarded because of previous errors.\r\n");
        try (Jedis jedis = jedis()) {
            assertThat(jedis.exists("x", "y")).as("nothing of an aborted transaction was written").isZero();
        }
        assertThat(exchange("EXEC")).as("the transaction is over").isEqualTo("-ERR EXEC without MULTI\r\n");
    }

    @Test
    void aWatchedKeyChangedByAnotherClientMakesExecAnswerANullArray() throws IOException {
        try (Wire watcher = new Wire(port); Jedis other = jedis()) {
            assertThat(watcher.call("SET k 1", "WATCH k", "MULTI", "SET k mine", "SET also 1"))
                    .isEqualTo("+OK\r\n+OK\r\n+OK\r\n+QUEUED\r\n+QUEUED\r\n");
            other.set("k", "theirs");
            assertThat(watcher.call("EXEC")).isEqualTo("*-1\r\n");
            assertThat(other.get("k")).isEqualTo("theirs");
            assertThat(other.exists("also")).as("nothing of it ran").isFalse();
            assertThat(watcher.call("WATCH k", "MULTI", "SET k mine", "EXEC"))
                    .as("EXEC cleared the watch; untouched, the next one runs").isEqualTo("+OK\r\n+OK\r\n+QUEUED\r\n*1\r\n+OK\r\n");
        }
    }

    /** Every kind of write counts, by any client, the watcher itself included (as in Redis). */
    @ParameterizedTest
    @ValueSource(strings = {"SET k 2", "DEL k", "UNLINK k", "EXPIRE k 100", "PEXPIRE k 0", "INCR k", "APPEND k x",
            "MSET k 3 z 1", "RENAME k k2", "RENAME other k", "COPY other k REPLACE", "GETDEL k", "GETEX k PX 100",
            "SETRANGE k 0 x", "PERSIST kttl", "FLUSHDB", "FLUSHALL", "SWAPDB 0 1", "PUT k = 4", "SETNX k2 1;RENAME k2 k"})
    void anyWriteOfAWatchedKeyAbortsExec(String spoiler) throws IOException {
        String watched = spoiler.contains("kttl") ? "kttl" : "k";
        try (Wire watcher = new Wire(port); Wire other = new Wire(port)) {
            other.call("SET k 1", "SET other o", "SET kttl 1 EX 100");
            watcher.call("WATCH " + watched);
            other.call(spoiler.split(";"));
            assertThat(watcher.call("MULTI", "SET done 1", "EXEC")).as("after %s", spoiler)
                    .isEqualTo("+OK\r\n+QUEUED\r\n*-1\r\n");
        }
        try (Wire self = new Wire(port)) {
            self.call("FLUSHALL", "SET k 1", "SET other o", "SET kttl 1 EX 100", "WATCH " + watched);
            self.call(spoiler.split(";"));
            assertThat(self.call("MULTI", "SET done 1", "EXEC")).as("after its own %s", spoiler)
                    .isEqualTo("+OK\r\n+QUEUED\r\n*-1\r\n");
        }
    }

    /** Reads, failed conditional writes, and writes of another database or key change nothing. */
    @ParameterizedTest
    @ValueSource(strings = {"GET k", "EXISTS k", "TTL k", "SET k 2 NX", "SET other 1", "EXPIRE k 10 XX",
            "PERSIST k", "DEL absent", "SELECT 1;SET k 2;DEL k", "FLUSHDB ASYNC_NOT", "SWAPDB 2 3", "RENAME other z"})
    void writesThatDoNotChangeTheWatchedKeyLeaveExecToRun(String harmless) throws IOException {
        try (Wire watcher = new Wire(port); Wire other = new Wire(port)) {
            other.call("SET k 1", "SET other o");
            watcher.call("WATCH k");
            other.call(harmless.split(";"));
            assertThat(watcher.call("MULTI", "SET done 1", "EXEC")).as("after %s", harmless)
                    .isEqualTo("+OK\r\n+QUEUED\r\n*1\r\n+OK\r\n");
        }
    }

    @Test
    void aFlushOfADatabaseWithoutTheWatchedKeyLeavesExecToRun() throws IOException {
        try (Wire watcher = new Wire(port); Wire other = new Wire(port)) {
            watcher.call("WATCH absent");
            other.call("SET x 1", "FLUSHDB", "FLUSHALL");
            assertThat(watcher.call("MULTI", "SET done 1", "EXEC")).as("Redis: only keys that existed are touched")
                    .isEqualTo("+OK\r\n+QUEUED\r\n*1\r\n+OK\r\n");
        }
    }

    @Test
    void watchesAreKeptPerDatabaseAndMoveWithSwapdb() throws IOException {
        try (Wire watcher = new Wire(port); Wire other = new Wire(port)) {
            watcher.call("SELECT 2", "WATCH k");
            other.call("SWAPDB 2 3"); // k exists in neither: the watch stays on database 2's k
            other.call("SET k 1"); // database 0
            assertThat(watcher.call("MULTI", "EXEC")).isEqualTo("+OK\r\n*0\r\n");
            watcher.call("WATCH k");
            other.call("SWAPDB 2 3", "SELECT 2", "SET k 1");
            assertThat(watcher.call("MULTI", "EXEC")).as("database 2's k, after the swap").isEqualTo("+OK\r\n*-1\r\n");
        }
    }

    @Test
    void aWatchedKeyThatExpiresBeforeExecAbortsIt() throws IOException {
        try (Wire watcher = new Wire(port)) {
            watcher.call("SET k 1 PX 1000", "WATCH k", "MULTI", "SET done 1");
            clock.advance(Duration.ofMillis(1000));
            assertThat(watcher.call("EXEC")).as("expired by EXEC, not yet deleted").isEqualTo("*-1\r\n");
            watcher.call("SET k 1 PX 1000", "WATCH k");
            clock.advance(Duration.ofMillis(1000));
            assertThat(cycle.runOnce()).isEqualTo(1);
            assertThat(watcher.call("MULTI", "EXEC")).as("deleted by the active cycle").isEqualTo("+OK\r\n*-1\r\n");
        }
    }

    @Test
    void aKeyAlreadyExpiredWhenWatchedIsNotChangedByItsDeletion() throws IOException {
        try (Wire watcher = new Wire(port)) {
            watcher.call("SET k 1 PX 1000");
            clock.advance(Duration.ofMillis(1000));
            watcher.call("WATCH k");
            assertThat(cycle.runOnce()).isEqualTo(1);
            assertThat(watcher.call("MULTI", "SET done 1", "EXEC")).isEqualTo("+OK\r\n+QUEUED\r\n*1\r\n+OK\r\n");
            watcher.call("WATCH k", "SET k again");
            assertThat(watcher.call("MULTI", "EXEC")).as("written since: changed").isEqualTo("+OK\r\n*-1\r\n");
        }
    }

    @Test
    void unwatchDiscardResetAndExecForgetTheWatches() throws IOException {
        for (String forget : List.of("UNWATCH", "MULTI;DISCARD", "RESET", "MULTI;EXEC")) {
            try (Wire watcher = new Wire(port); Wire other = new Wire(port)) {
                watcher.call("WATCH k");
                watcher.call(forget.split(";"));
                other.call("SET k " + forget.length());
                assertThat(watcher.call("MULTI", "EXEC")).as("after %s", forget).isEqualTo("+OK\r\n*0\r\n");
            }
        }
        try (Wire watcher = new Wire(port); Wire other = new Wire(port)) {
            watcher.call("WATCH k");
            other.call("SET k 1");
            assertThat(watcher.call("UNWATCH", "MULTI", "EXEC")).as("UNWATCH also forgets that it changed")
                    .isEqualTo("+OK\r\n+OK\r\n*0\r\n");
        }
    }

    @Test
    void resp3AnswersANullForAnAbortedExecAndAnArrayOtherwise() throws IOException {
        try (Wire watcher = new Wire(port)) {
            watcher.call("HELLO 3");
            assertThat(watcher.call("MULTI", "SET a 1", "GET a", "EXEC")).isEqualTo("+OK\r\n+QUEUED\r\n+QUEUED\r\n*2\r\n+OK\r\n$1\r\n1\r\n");
            assertThat(watcher.call("WATCH a", "SET a 2", "MULTI", "PING", "EXEC")).isEqualTo("+OK\r\n+OK\r\n+OK\r\n+QUEUED\r\n_\r\n");
        }
    }

    @Test
    void clientListShowsATransactionAndAChangedWatch() throws IOException {
        try (Wire client = new Wire(port); Jedis other = jedis()) {
            client.call("MULTI", "SET a 1");
            String list = other.clientList();
            assertThat(list).containsPattern("flags=x db=0 .*multi=1 ");
            client.call("EXEC", "WATCH a");
            other.set("a", "2");
            assertThat(other.clientList()).containsPattern("flags=d db=0 .*multi=-1 ");
        }
    }

    /** Redis clients send MULTI, the commands and EXEC in one write: all of it at once, or nothing. */
    @Test
    void aPipelinedTransactionIsAtomicForAConcurrentReader() throws Exception {
        AtomicBoolean done = new AtomicBoolean();
        CompletableFuture<List<String>> reader = CompletableFuture.supplyAsync(() -> {
            List<String> torn = new ArrayList<>();
            try (Jedis jedis = jedis()) {
                for (int i = 0; i < 200_000 && !done.get(); i++) {
                    List<String> both = jedis.mget("a", "b");
                    if (!java.util.Objects.equals(both.get(0), both.get(1))) {
                        torn.add(both.toString());
                    }
                }
            }
            return torn;
        });
        try (Wire writer = new Wire(port); Jedis jedis = jedis();
             RedisClient lettuce = RedisClient.create("redis://127.0.0.1:" + port);
             StatefulRedisConnection<String, String> connection = lettuce.connect()) {
            RedisCommands<String, String> commands = connection.sync();
            for (int i = 0; i < 600; i++) {
                String value = Integer.toString(i);
                switch (i % 3) {
                    case 0 -> assertThat(writer.call("MULTI", "SET a " + value, "SET b " + value, "EXEC"))
                            .isEqualTo("+OK\r\n+QUEUED\r\n+QUEUED\r\n*2\r\n+OK\r\n+OK\r\n");
                    case 1 -> {
                        Transaction transaction = jedis.multi();
                        Response<String> first = transaction.set("a", value);
                        transaction.set("b", value);
                        assertThat(transaction.exec()).containsExactly("OK", "OK");
                        assertThat(first.get()).isEqualTo("OK");
                    }
                    default -> {
                        assertThat(commands.multi()).isEqualTo("OK");
                        commands.set("a", value);
                        commands.set("b", value);
                        TransactionResult result = commands.exec();
                        assertThat(result.wasDiscarded()).isFalse();
                        assertThat(result.<String>get(1)).isEqualTo("OK");
                    }
                }
            }
        }
        finally {
            done.set(true);
        }
        assertThat(reader.get(60, TimeUnit.SECONDS)).as("reads that saw half a transaction").isEmpty();
        try (Jedis jedis = jedis()) {
            assertThat(jedis.mget("a", "b")).containsExactly("599", "599");
        }
    }

    /**
     * redis-py's default {@code pipeline()} is a transaction (MULTI, the commands, EXEC in one
     * write): atomic for a reader on another connection, and its WATCH raises WatchError when
     * another client wrote the key. Run by Debian's python3 with python3-redis.
     */
    @Test
    void redisPyPipelinesAreTransactions() throws Exception {
        String script = """
                import sys, threading, redis
                port = int(sys.argv[1])
                r = redis.Redis(port=port)
                r.mset({"a": "0", "b": "0"})
                torn, done = [], threading.Event()
                def read():
                    reader = redis.Redis(port=port)
                    for _ in range(100000):
                        if done.is_set():
                            break
                        a, b = reader.mget("a", "b")
                        if a != b:
                            torn.append((a, b))
                thread = threading.Thread(target=read)
                thread.start()
                for i in range(500):
                    pipe = r.pipeline()
                    pipe.set("a", i).set("b", i)
                    assert pipe.execute() == [True, True]
                done.set()
                thread.join()
                other = redis.Redis(port=port)
                with r.pipeline() as pipe:
                    pipe.watch("a")
                    other.set("a", "theirs")
                    pipe.multi()
                    pipe.set("a", "mine")
                    try:
                        pipe.execute()
                        sys.exit("EXEC ran although the watched key changed")
                    except redis.WatchError:
                        pass
                assert r.get("a") == b"theirs"
                if torn:
                    sys.exit("half transactions seen: %r" % torn[:5])
                print("redis-py: 500 pipelined transactions, none seen half; WatchError raised")
                """;
        Process python = new ProcessBuilder("/usr/bin/python3", "-c", script, Integer.toString(port))
                .redirectErrorStream(true).start();
        String output = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(python.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(python.exitValue()).as(output).isZero();
        System.out.print(output);
    }

    /** A tracking client that read a key is told when an EXEC wrote it. */
    @Test
    void execInvalidatesWhatTrackingClientsRead() throws IOException {
        try (Wire tracker = new Wire(port); Wire writer = new Wire(port)) {
            tracker.call("HELLO 3", "CLIENT TRACKING ON", "GET k");
            writer.call("MULTI", "SET k 1", "SET other 1", "EXEC");
            assertThat(tracker.call("PING")).as("the push, then PING's reply")
                    .isEqualTo(">2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\nk\r\n+PONG\r\n");
        }
    }

    /** Two clients race WATCH/GET/MULTI/SET/EXEC increments: no increment is lost, failed ones are retried. */
    @Test
    void optimisticLockingWithWatchLosesNoIncrement() throws Exception {
        int perClient = 150;
        List<CompletableFuture<Integer>> clients = new ArrayList<>();
        for (int c = 0; c < 3; c++) {
            clients.add(CompletableFuture.supplyAsync(() -> {
                int retries = 0;
                try (Jedis jedis = jedis()) {
                    for (int done = 0; done < perClient; ) {
                        jedis.watch("counter");
                        String current = jedis.get("counter");
                        int next = (current == null ? 0 : Integer.parseInt(current)) + 1;
                        Transaction transaction = jedis.multi();
                        transaction.set("counter", Integer.toString(next));
                        if (transaction.exec() == null) {
                            retries++;
                        }
                        else {
                            done++;
                        }
                        if (retries > 100_000) {
                            throw new IllegalStateException("no progress");
                        }
                    }
                }
                return retries;
            }));
        }
        for (CompletableFuture<Integer> client : clients) {
            client.get(120, TimeUnit.SECONDS);
        }
        try (Jedis jedis = jedis()) {
            assertThat(jedis.get("counter")).isEqualTo(Integer.toString(3 * perClient));
        }
    }

    /** Sends {@code commands} (inline) in one write on a new connection and returns every reply byte. */
    private String exchange(String... commands) throws IOException {
        try (Wire wire = new Wire(port)) {
            return wire.call(commands);
        }
    }

    /**
     * A raw connection: sends inline commands in one write, and reads back as many complete
     * replies as commands were sent, returning their exact bytes (so {@code *-1} and {@code $-1}
     * stay apart).
     */
    static final class Wire implements AutoCloseable {
        private final Socket socket;
        private final OutputStream out;
        private final InputStream in;

        Wire(int port) throws IOException {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(10_000);
            out = socket.getOutputStream();
            in = new java.io.BufferedInputStream(socket.getInputStream());
        }

        String call(String... commands) throws IOException {
            StringBuilder wire = new StringBuilder();
            for (String command : commands) {
                wire.append(command).append("\r\n");
            }
            out.write(wire.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            StringBuilder replies = new StringBuilder();
            for (String command : commands) {
                int start;
                do { // a RESP3 push is not a reply: it is kept, and the reply still read
                    start = replies.length();
                    readReply(replies);
                } while (replies.charAt(start) == '>');
            }
            return replies.toString();
        }

        private void readReply(StringBuilder into) throws IOException {
            String line = readLine();
            into.append(line).append("\r\n");
            char type = line.charAt(0);
            if (type == '$' || type == '=') {
                int length = Integer.parseInt(line.substring(1));
                if (length >= 0) {
                    byte[] bulk = in.readNBytes(length + 2);
                    into.append(new String(bulk, StandardCharsets.UTF_8));
                }
            }
            else if (type == '*' || type == '%' || type == '~' || type == '>') {
                int count = Integer.parseInt(line.substring(1));
                for (int i = 0; i < count * (type == '%' ? 2 : 1); i++) {
                    readReply(into);
                }
            }
        }

        private String readLine() throws IOException {
            StringBuilder line = new StringBuilder();
            for (int c = in.read(); ; c = in.read()) {
                if (c == -1) {
                    throw new IOException("closed after " + line);
                }
                if (c == '\r') {
                    in.read(); // \n
                    return line.toString();
                }
                line.append((char) c);
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
