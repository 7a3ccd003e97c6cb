package kv.server;

import static kv.server.testing.ScriptedCommands.encode;
import static kv.server.testing.ScriptedCommands.words;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import kv.protocol.endpoint.RespServerConnectionFactory;
import kv.protocol.resp.RespValue;
import kv.server.testing.RedisServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;

/**
 * Pub/sub sessions of several clients played against kv-server and Debian's redis-server at
 * once: every reply, confirmation and message each client reads must be the same bytes' worth
 * of RESP, error texts included. A line {@code sub: SUBSCRIBE a b => 2} sends the command on the
 * connection named {@code sub} (opened on first use) and reads two values from it; {@code sub? 3}
 * reads three more, {@code sub?~ 3} three in any order (Redis delivers one message to several
 * matching patterns in its hash table's order, seeded at random); without {@code =>} one value is read. A client's PING after a PUBLISH reads
 * behind every message that PUBLISH delivered, on both servers (the publisher's reply comes once
 * the messages are queued to the subscribers).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {"kv.server.port=0", "kv.server.expiry.interval=20ms"})
@DirtiesContext // its data directory goes with the class: no later class may reuse this context
class PubSubParityTest extends RunningServerTest {

    static RedisServerProcess redis;

    @Autowired
    RespServerConnectionFactory connectionFactory;

    final Map<String, RawConnection[]> clients = new LinkedHashMap<>();

    @BeforeAll
    static void startRedis() throws IOException {
        redis = RedisServerProcess.start();
    }

    @AfterAll
    static void stopRedis() throws InterruptedException {
        if (redis != null) {
            redis.close();
        }
    }

    @BeforeEach
    void flush() throws IOException {
        script("""
                admin: FLUSHALL
                admin: CONFIG SET notify-keyspace-events ""
                """);
    }

    @AfterEach
    void disconnect() throws IOException {
        for (RawConnection[] pair : clients.values()) {
            pair[0].close();
            pair[1].close();
        }
    }

    @Test
    void resp2SubscriberModeAnswersAsRedis() throws IOException {
        script("""
                sub: UNSUBSCRIBE
                sub: PUNSUBSCRIBE
                sub: UNSUBSCRIBE never subscribed => 2
                sub: SUBSCRIBE a b a => 3
                sub: PSUBSCRIBE h* => 1
                sub: GET x
                sub: CLIENT LIST
                sub: SET k v
                sub: PUBLISH a m
                sub: HELLO 3
                sub: PING
                sub: PING hello
                sub: PING a b
                sub: FOO bar
                sub: GET
                pub: PUBLISH a one
                pub: PUBLISH b two
                pub: PUBLISH hello three
                pub: PUBLISH nobody four
                sub? 3
                sub: PING
                sub: UNSUBSCRIBE a => 1
                pub: PUBLISH a gone
                sub: UNSUBSCRIBE => 1
                sub: PUNSUBSCRIBE zz => 1
                sub: PUNSUBSCRIBE => 1
                sub: PING
                sub: GET x
                """);
    }

    @Test
    void aPipelineKeepsRepliesConfirmationsAndMessagesInOrder() throws IOException {
        script("""
                sub: SUBSCRIBE a
                pub: PUBLISH a before
                sub? 1
                """);
        // One write: the confirmation, the message published to a channel subscribed in the same
        // pipeline and the replies after it must come in this order on both servers.
        pipeline("sub", List.of("PING", "SUBSCRIBE b", "PING", "UNSUBSCRIBE a", "PING"), 5);
        script("""
                pub: PUBLISH b after
                pub: PUBLISH a nobody
                sub? 1
                sub: UNSUBSCRIBE b
                sub: GET x
                """);
    }

    @Test
    void resp3PushesMixWithRepliesAndAnyCommandRuns() throws IOException {
        script("""
                sub: HELLO 3 => skip
                sub: UNSUBSCRIBE
                sub: SUBSCRIBE a => 1
                sub: PSUBSCRIBE n* => 1
                sub: SET k v
                sub: GET k
                sub: PING
                pub: PUBLISH a one
                pub: PUBLISH news two
                sub? 2
                sub: PUBLISH a self => 2
                sub: UNSUBSCRIBE a b => 2
                sub: PUNSUBSCRIBE => 1
                sub: PUBSUB NUMSUB a
                sub: RESET
                sub: PUBSUB NUMPAT
                """);
    }

    @Test
    void pubsubIntrospection() throws IOException {
        script("""
                one: SUBSCRIBE news.tech news.art => 2
                two: SUBSCRIBE news.tech other => 2
                three: PSUBSCRIBE news.* n?ws.* news.* => 3
                four: PSUBSCRIBE news.* => 1
                admin: PUBSUB NUMSUB news.tech news.art other missing
                admin: PUBSUB NUMSUB
                admin: PUBSUB NUMPAT
                admin: PUBSUB CHANNELS n*
                admin: PUBSUB CHANNELS missing*
                admin: PUBSUB CHANNELS a b
                admin: PUBSUB NUMPAT x
                admin: PUBSUB FOO
                admin: PUBSUB
                admin: PUBLISH news.tech hello
                admin: PUBLISH news.art hello
                one? 2
                two? 1
                three?~ 4
                four? 2
                three: PUNSUBSCRIBE news.* => 1
                admin: PUBSUB NUMPAT
                admin: PUBLISH news.tech again
                three? 1
                """);
        RawConnection[] two = clients.remove("two");
        two[0].close();
        two[1].close();
        awaitOnBoth("PUBSUB NUMSUB other", new RespValue.Array(List.of(RespValue.BulkString.of("other"),
                new RespValue.Integer(0)))); // a closed connection leaves its channels
        script("""
                admin: PUBSUB NUMSUB news.tech other
                admin: PUBSUB CHANNELS
                admin: PUBLISH news.tech last
                one? 1
                three? 1
                four? 1
                admin: INFO stats => skip
                admin: CLIENT KILL TYPE master
                admin: CLIENT KILL TYPE normal
                admin: CLIENT KILL TYPE pubsub
                admin: PUBSUB NUMPAT
                """);
    }

    @Test
    void keyspaceEventsForStringsAndKeys() throws IOException {
        script("""
                admin: CONFIG SET notify-keyspace-events KEA
                admin: CONFIG GET notify-keyspace-events
                watch: PSUBSCRIBE __key*__:*
                admin: SET k v
                admin: SET k v EX 100
                admin: SET k v KEEPTTL
                admin: SET k v NX
                admin: SETEX k2 10 v
                admin: MSET a 1 b 2
                admin: INCR n
                admin: INCRBYFLOAT n 1.5
                admin: APPEND s x
                admin: SETRANGE s 0 y
                admin: GETDEL s
                admin: EXPIRE k 100
                admin: EXPIRE k 100 NX
                admin: PERSIST k
                admin: PEXPIRE k -1
                admin: GETEX k2 PERSIST
                admin: RENAME a a2
                admin: COPY a2 z
                admin: DEL z nothing b
                admin: UNLINK a2
                admin: PING
                watch? 46
                admin: CONFIG SET notify-keyspace-events Egx$
                admin: CONFIG GET notify-keyspace-events
                admin: SET k v
                admin: DEL k
                watch? 2
                admin: CONFIG SET notify-keyspace-events KQ
                """);
    }

    @Test
    void keyspaceEventsForHashes() throws IOException {
        script("""
                admin: CONFIG SET notify-keyspace-events KEA
                watch: PSUBSCRIBE __key*__:*
                admin: HSET h f v g w
                admin: HSET h f v
                admin: HMSET h a 1
                admin: HSETNX h f x
                admin: HSETNX h n 1
                admin: HINCRBY h n 2
                admin: HINCRBY h f 1
                admin: HINCRBYFLOAT h n 1.5
                admin: HDEL h nope
                admin: HDEL h f g
                admin: HGET h a
                admin: HDEL h a n
                admin: HSET h2 f v
                admin: EXPIRE h2 100
                admin: DEL h2
                admin: MULTI
                admin: HSET t f v
                admin: HDEL t f
                admin: EXEC
                admin: PING
                watch? 30
                admin: CONFIG SET notify-keyspace-events ""
                """);
    }

    @Test
    void expiredKeysAreNotifiedByTheCycleOrWhenRead() throws IOException {
        script("""
                admin: CONFIG SET notify-keyspace-events Ex
                watch: PSUBSCRIBE __keyevent@*__:expired
                admin: SET gone v PXAT 1
                watch? 1
                admin: SELECT 3
                admin: SET k3 v PX 30
                """);
        sleep(80); // past its time: the active cycle may have deleted it, or the read below does
        script("""
                admin: GET k3
                watch? 1
                admin: SELECT 0
                admin: SET k v
                admin: DEL k
                admin: PING
                watch: PING
                """);
    }

    @Test
    void trackingRedirectSendsInvalidationsAsMessages() throws IOException {
        long kvId = id(0, "inv"); // (CLIENT ID before SUBSCRIBE: a RESP2 subscriber may not ask it)
        long redisId = id(1, "inv");
        script("""
                inv: SUBSCRIBE __redis__:invalidate
                """);
        RawConnection[] reader = connection("reader");
        for (int side = 0; side < 2; side++) {
            RespValue ok = reader[side].send(encode(words("CLIENT TRACKING ON REDIRECT "
                    + (side == 0 ? kvId : redisId)))).read();
            assertThat(ok).isEqualTo(new RespValue.SimpleString("OK"));
        }
        script("""
                reader: CLIENT TRACKING ON REDIRECT 999999
                reader: CLIENT TRACKING ON REDIRECT notanumber
                reader: GET k
                admin: SET k 1
                inv? 1
                admin: SET k 2
                reader: GET k
                admin: MSET k 3 other 1
                inv? 1
                admin: FLUSHALL
                inv? 1
                reader: CLIENT TRACKINGINFO
                """);
        assertThat(connection("reader")[0].send(encode(words("CLIENT TRACKINGINFO"))).read().toString())
                .contains("redirect], Integer[value=" + kvId + "]");
        // A RESP3 tracking client whose REDIRECT client is gone is told so with a push, by id.
        long[] goneIds = {id(0, "gone"), id(1, "gone")};
        script("""
                gone: SUBSCRIBE __redis__:invalidate
                r3: HELLO 3 => skip
                """);
        RawConnection[] r3 = connection("r3");
        for (int side = 0; side < 2; side++) {
            assertThat(r3[side].send(encode(words("CLIENT TRACKING ON REDIRECT " + goneIds[side]))).read())
                    .isEqualTo(new RespValue.SimpleString("OK"));
        }
        RawConnection[] gone = clients.remove("gone");
        gone[0].close();
        gone[1].close();
        awaitOnBoth("PUBSUB NUMSUB __redis__:invalidate", new RespValue.Array(List.of(
                RespValue.BulkString.of("__redis__:invalidate"), new RespValue.Integer(1)))); // inv's only
        script("""
                r3: GET k
                admin: SET k 4
                """);
        for (int side = 0; side < 2; side++) {
            assertThat(r3[side].read()).as(side == 0 ? "kv" : "redis").isEqualTo(new RespValue.Push(List.of(
                    RespValue.BulkString.of("tracking-redir-broken"), new RespValue.Integer(goneIds[side]))));
        }
        script("""
                r3: CLIENT TRACKINGINFO
                inv: PING
                """);
    }

    @Test
    void keyspaceEventsForNewKeysComeFromEveryWriteThatCreatesOneBeforeTheCommandsOwn() throws IOException {
        script("""
                watch: PSUBSCRIBE __key*__:*
                admin: CONFIG SET notify-keyspace-events KEn
                admin: SET k v
                admin: SET k w
                admin: MSET a 1 b 2 a 3
                admin: INCR n
                admin: APPEND s x
                admin: SETNX s y
                admin: HSET h f v
                admin: HSET h g v
                admin: HINCRBY h2 f 1
                admin: RENAME a a2
                admin: COPY a2 z
                admin: SET z v EX 100
                admin: DEL z
                admin: SET z v
                admin: EVAL "return redis.call('set', KEYS[1], '1')" 1 sk
                admin: MULTI
                admin: SET t 1
                admin: HSET th f v
                admin: EXEC
                admin: SELECT 2
                admin: SET k2 v
                admin: SELECT 0
                admin: CONFIG GET notify-keyspace-events
                watch? 28
                admin: CONFIG SET notify-keyspace-events KEg$n
                admin: FLUSHALL
                admin: SET k v
                admin: INCR n
                admin: SET k w
                admin: RENAME k n
                admin: SET c 1
                admin: COPY n c REPLACE
                admin: PING
                watch? 24
                watch: PING
                """);
    }

    @Test
    void trackingOnAResp2ConnectionWithoutRedirectIsAcceptedAndSendsNothingUntilHello3() throws IOException {
        script("""
                r2: CLIENT TRACKING ON
                r2: GET tk
                admin: SET tk 1
                r2: PING
                r2: GET tk
                admin: SET tk 2
                r2: CLIENT TRACKINGINFO
                r2: HELLO 3 => skip
                r2: GET tk
                admin: SET tk 3
                r2? 1
                r2: PING
                """);
    }

    /** Asks {@code command} on both servers (as admin) until each answers {@code expected}: a bounded wait for a close to be seen. */
    private void awaitOnBoth(String command, RespValue expected) throws IOException {
        RawConnection[] admin = connection("admin");
        for (int side = 0; side < 2; side++) {
            RespValue answer = null;
            for (int i = 0; i < 200 && !expected.equals(answer); i++) {
                answer = admin[side].send(encode(words(command))).read();
                if (!expected.equals(answer)) {
                    sleep(10);
                }
            }
            assertThat(answer).as(command + (side == 0 ? " on kv" : " on redis")).isEqualTo(expected);
        }
    }

    /** CLIENT ID of {@code name}'s connection on kv (side 0) or redis (1). */
    private long id(int side, String name) throws IOException {
        RespValue reply = connection(name)[side].send(encode(words("CLIENT ID"))).read();
        return ((RespValue.Integer) reply).value();
    }

    private RawConnection[] connection(String name) throws IOException {
        RawConnection[] pair = clients.get(name);
        if (pair == null) {
            pair = new RawConnection[] {new RawConnection(connectionFactory.getPort()), new RawConnection(redis.port())};
            clients.put(name, pair);
        }
        return pair;
    }

    private void pipeline(String name, List<String> commands, int values) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (String command : commands) {
            all.writeBytes(encode(words(command)));
        }
        RawConnection[] pair = connection(name);
        pair[0].send(all.toByteArray());
        pair[1].send(all.toByteArray());
        for (int i = 0; i < values; i++) {
            RespValue expected = pair[1].read();
            assertThat(pair[0].read()).as(name + ": pipeline " + commands + ", value " + i).isEqualTo(expected);
        }
    }

    private void script(String lines) throws IOException {
        for (String line : lines.strip().split("\n")) {
            line = line.strip();
            int colon = line.indexOf(": ");
            int question = line.indexOf("? ");
            int anyOrder = line.indexOf("?~ ");
            if (anyOrder > 0 && (colon < 0 || anyOrder < colon)) {
                readInAnyOrder(line.substring(0, anyOrder), Integer.parseInt(line.substring(anyOrder + 3).strip()), line);
                continue;
            }
            if (question > 0 && (colon < 0 || question < colon)) {
                read(line.substring(0, question), Integer.parseInt(line.substring(question + 2).strip()), line, false);
                continue;
            }
            String name = line.substring(0, colon);
            String command = line.substring(colon + 2);
            int values = 1;
            boolean skip = false;
            int arrow = command.indexOf(" => ");
            if (arrow > 0) {
                String count = command.substring(arrow + 4).strip();
                skip = count.equals("skip");
                values = skip ? 1 : Integer.parseInt(count);
                command = command.substring(0, arrow);
            }
            RawConnection[] pair = connection(name);
            byte[] bytes = encode(words(command));
            pair[1].send(bytes);
            pair[0].send(bytes);
            read(name, values, line, skip);
        }
    }

    private void readInAnyOrder(String name, int values, String line) throws IOException {
        RawConnection[] pair = connection(name);
        List<RespValue> expected = new ArrayList<>();
        List<RespValue> actual = new ArrayList<>();
        for (int i = 0; i < values; i++) {
            expected.add(pair[1].read());
            actual.add(pair[0].read());
        }
        assertThat(actual).as(line).containsExactlyInAnyOrderElementsOf(expected);
    }

    private void read(String name, int values, String line, boolean skip) throws IOException {
        RawConnection[] pair = connection(name);
        for (int i = 0; i < values; i++) {
            RespValue expected = pair[1].read();
            RespValue actual = pair[0].read();
            if (!skip && line.contains("PUBSUB CHANNELS") && expected instanceof RespValue.Array listed
                    && actual instanceof RespValue.Array answered) {
                // Redis lists channels in its dict's order, which a random hash seed decides
                assertThat(answered.elements()).as(line).containsExactlyInAnyOrderElementsOf(listed.elements());
            }
            else if (!skip) {
                assertThat(normalized(actual)).as(line + " (value " + (i + 1) + " of " + values + ")")
                        .isEqualTo(normalized(expected));
            }
        }
    }

    /**
     * CLIENT LIST's line differs in ids, ports, ages and buffer sizes: kept are the fields pub/sub
     * sets; TRACKINGINFO's redirect is a client id, which differs too (the test checks kv's itself).
     */
    private static RespValue normalized(RespValue value) {
        List<RespValue> elements = value instanceof RespValue.Array array ? array.elements()
                : value instanceof RespValue.Map map ? map.keysAndValues() : null;
        if (elements != null && elements.size() == 6 && RespValue.BulkString.of("redirect").equals(elements.get(2))
                && elements.get(3) instanceof RespValue.Integer id && id.value() > 0) {
            List<RespValue> copy = new ArrayList<>(elements);
            copy.set(3, RespValue.BulkString.of("a client id"));
            return value instanceof RespValue.Map ? new RespValue.Map(copy) : new RespValue.Array(copy);
        }
        if (value instanceof RespValue.BulkString bulk && bulk.asString().startsWith("id=")) {
            List<String> kept = new ArrayList<>();
            for (String field : bulk.asString().strip().split(" ")) {
                if (field.matches("(flags|db|sub|psub|ssub|multi|cmd|resp)=.*")) {
                    kept.add(field);
                }
            }
            return RespValue.BulkString.of(String.join(" ", kept));
        }
        return value;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
