package kv.server;

import static kv.server.testing.ScriptedCommands.encode;
import static kv.server.testing.ScriptedCommands.words;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;

import kv.protocol.resp.Replies;
import kv.protocol.resp.RespValue;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;

/**
 * The hash commands, and every string command on a hash and hash command on a string
 * (WRONGTYPE both ways), sent to kv-server and to Debian's redis-server: every reply must be
 * the same, error texts included. Scripts keep to what is deterministic in Redis: fields are
 * compared where their order is the same in both (kv answers in field order, see
 * {@code HashCommands}), HRANDFIELD where the whole hash or nothing comes back.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = "kv.server.port=0")
@DirtiesContext // its data directory goes with the class: no later class may reuse this context
class HashParityTest extends ParityTest {

    @Test
    void hsetHgetHmsetHsetnxAndTheirArityErrors() throws IOException {
        script("""
                HSET h a 1 b 2
                HSET h a 1 b 2 c 3
                HSET h x 1 x 2
                HGET h x
                HSET h
                HSET h f
                HSET h f v f2
                HMSET h f
                HMSET h f v g w
                HMSET h f v g
                HGET h f
                HGET h zz
                HGET missing f
                HSETNX h a 5
                HSETNX h new 5
                HGET h new
                HSETNX h new
                HMGET h a zz b
                HMGET missing a b
                HMGET h
                HLEN h
                HLEN missing
                HEXISTS h a
                HEXISTS h zz
                HEXISTS missing a
                HSTRLEN h a
                HSTRLEN h zz
                HSTRLEN missing a
                HSET h empty ""
                HSTRLEN h empty
                HGET h empty
                TYPE h
                EXISTS h
                """);
    }

    @Test
    void hdelDeletesFieldsAndTheLastOneDeletesTheKey() throws IOException {
        script("""
                HSET h a 1 b 2 c 3
                HDEL h a a zz
                HLEN h
                HDEL h
                HDEL missing a
                HDEL h b c
                EXISTS h
                TYPE h
                HLEN h
                HGETALL h
                HSET h a 1
                HGETALL h
                DBSIZE
                """);
    }

    @Test
    void hincrbyAndHincrbyfloatAsRedisCountsAndRefuses() throws IOException {
        script("""
                HINCRBY h n 5
                HINCRBY h n -7
                HINCRBY h n x
                HINCRBY h n 1.5
                HINCRBY h n 9223372036854775807
                HINCRBY h n -9223372036854775807
                HINCRBY h n -9223372036854775806
                HINCRBY h n -1
                HINCRBY h n -1
                HSET h f 1.5 big 10000000000000000000 sp " 1" e "" lead 01
                HINCRBY h f 1
                HINCRBY h big 1
                HINCRBY h sp 1
                HINCRBY h e 1
                HINCRBY h lead 1
                HINCRBYFLOAT h f 1.1
                HINCRBYFLOAT h f x
                HINCRBYFLOAT h f inf
                HINCRBYFLOAT h f -inf
                HINCRBYFLOAT h sp 1
                HINCRBYFLOAT h e 1
                HINCRBYFLOAT h g 3.0e3
                HINCRBYFLOAT h g 0.1
                HINCRBYFLOAT h g -3000.1
                HINCRBYFLOAT h g 1e400
                HINCRBYFLOAT h g 1
                HINCRBYFLOAT h g -1e400
                HSET h i inf
                HINCRBYFLOAT h i 1
                HINCRBYFLOAT h n 0.5
                HINCRBYFLOAT h new 10.50
                HGET h new
                HINCRBYFLOAT missing f 2.5e-3
                HINCRBY missing2 f x
                EXISTS missing2
                """);
    }

    @Test
    void hgetallHkeysHvalsHrandfieldAndHscanOnASmallHash() throws IOException {
        script("""
                HSET h a 1 b 2 c 3
                HGETALL h
                HKEYS h
                HVALS h
                HGETALL missing
                HKEYS missing
                HRANDFIELD missing
                HRANDFIELD missing 5
                HRANDFIELD missing x
                HRANDFIELD h x
                HRANDFIELD h 0
                HRANDFIELD h 3
                HRANDFIELD h 10 WITHVALUES
                HRANDFIELD h 1 WITHVALUES x
                HRANDFIELD h 1 x
                HRANDFIELD h -9223372036854775808
                HRANDFIELD h -4611686018427387904 WITHVALUES
                HRANDFIELD h 4611686018427387904 WITHVALUES
                HSCAN h 0
                HSCAN h 0 COUNT 1
                HSCAN h 0 MATCH b*
                HSCAN h 0 MATCH
                HSCAN h 0 COUNT 0
                HSCAN h 0 COUNT x
                HSCAN h 0 TYPE string
                HSCAN h 0 BOGUS
                HSCAN h x
                HSCAN h -1
                HSCAN h +0
                HSCAN h ""
                HSCAN h " 1"
                HSCAN h 18446744073709551616
                SCAN +0 COUNT 100
                SCAN ""
                SCAN " 0"
                SCAN 0x1
                HSCAN missing 0 BOGUS
                HSCAN missing x
                OBJECT ENCODING h
                OBJECT REFCOUNT h
                HSET h long aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
                OBJECT ENCODING h
                HDEL h long
                OBJECT ENCODING h
                """);
    }

    @Test
    void stringCommandsOnAHashAnswerWrongTypeAndSetOverwritesIt() throws IOException {
        script("""
                HSET h f v
                GET h
                MGET h missing
                GETRANGE h 0 1
                STRLEN h
                APPEND h x
                INCR h
                DECR h
                INCRBY h 1
                DECRBY h 1
                INCRBYFLOAT h 1
                INCRBY h x
                INCRBYFLOAT h x
                INCRBYFLOAT h nan
                INCRBYFLOAT missing x
                SETRANGE h 0 x
                GETSET h x
                GETDEL h
                GETEX h EX 100
                GETEX h PERSIST
                GETEX h EX -1
                GETEX h PXAT 0
                SET h v EX 0 GET
                SET h v EX 10 GET
                SET h v GET
                SET h v NX
                SETNX h v
                MSETNX h v other w
                EXISTS other
                HGET h f
                SET h v XX
                TYPE h
                GET h
                HGET h f
                HSET h f v
                SET h v
                GET h
                DEL h
                GET h
                HSET h f v
                GET h
                TYPE h
                HDEL h f
                GET h
                SET h v
                GET h
                EXPIRE h 100
                HSET h f v
                TTL h
                """);
    }

    @Test
    void hashCommandsOnAStringAnswerWrongType() throws IOException {
        script("""
                SET s x
                HSET s f v
                HMSET s f v
                HSETNX s f v
                HGET s f
                HMGET s f
                HEXISTS s f
                HSTRLEN s f
                HLEN s
                HDEL s f
                HINCRBY s f 1
                HINCRBY s f x
                HINCRBYFLOAT s f 1
                HINCRBYFLOAT s f x
                HGETALL s
                HKEYS s
                HVALS s
                HRANDFIELD s
                HRANDFIELD s 0
                HRANDFIELD s -1 WITHVALUES
                HRANDFIELD s x
                HSCAN s 0
                HSCAN s x
                GET s
                """);
    }

    @Test
    void keyspaceCommandsTreatAHashAsOneKey() throws IOException {
        script("""
                HSET h a 1 b 2
                SET s x
                TYPE h
                EXISTS h s h
                TOUCH h
                DBSIZE
                EXPIRE h 100
                TTL h
                HSET h c 3
                TTL h
                PERSIST h
                TTL h
                EXPIRE h 100 NX
                EXPIRE h 200 GT
                TTL h
                RENAME h h2
                EXISTS h
                HGETALL h2
                TTL h2
                RENAMENX h2 s
                COPY h2 h3
                HSET h3 z 26
                HGETALL h2
                HGETALL h3
                COPY h3 h2
                COPY h3 h2 REPLACE
                HGETALL h2
                COPY h2 h4 DB 1
                SELECT 1
                HGETALL h4
                TYPE h4
                SELECT 0
                RENAME s h3
                TYPE h3
                GET h3
                HGET h3 a
                DEL h2 h3
                DBSIZE
                SCAN 0 TYPE hash
                HSET h a 1
                EXPIRE h 0
                EXISTS h
                HGET h a
                HSET h a 1
                UNLINK h
                HLEN h
                HSET h a 1
                SWAPDB 0 1
                HGETALL h4
                HGETALL h
                SELECT 1
                HGETALL h
                FLUSHDB
                HGETALL h
                SELECT 0
                HGETALL h4
                FLUSHALL
                HGETALL h4
                DBSIZE
                """);
    }

    /** kv only: a client tracking a hash it read is told when anyone writes or deletes it (kv-proxy's coherence rests on it). */
    @Test
    void aClientThatReadAHashIsToldWhenItChanges() throws IOException {
        try (RawConnection tracker = new RawConnection(connectionFactory.getPort())) {
            tracker.send("HELLO 3\r\n").read();
            assertThat(tracker.send("CLIENT TRACKING ON\r\n").read()).isEqualTo(Replies.OK);
            assertThat(kv.send(encode(words("HSET session:1 user ada"))).read()).isEqualTo(new RespValue.Integer(1));
            for (String write : List.of("HSET session:1 user bob", "HDEL session:1 user", "HINCRBY session:1 n 1",
                    "EXPIRE session:1 100", "DEL session:1")) {
                assertThat(tracker.send("HGET session:1 user\r\n").read()).isNotNull(); // tracks the key again
                assertThat(kv.send(encode(words(write))).read()).as(write).isNotInstanceOf(RespValue.Error.class);
                RespValue push = tracker.read();
                assertThat(push).as(write).isInstanceOf(RespValue.Push.class);
                assertThat(((RespValue.Push) push).elements().get(1))
                        .isEqualTo(new RespValue.Array(List.of(Replies.bulk("session:1"))));
            }
        }
    }
}
