package kv.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import kv.protocol.endpoint.RespServerConnectionFactory;
import kv.protocol.resp.RespValue;
import kv.server.testing.ScriptedCommands;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;

/**
 * A script pipelined among other commands runs in its place in the pipeline, as on Redis: the
 * commands after it see what it wrote and do not change what it sees, though it runs on the
 * script thread and they on the event loop. Each pipeline goes out in one write, so the server
 * reads it as one batch, and is repeated: before the fix, the commands after an EVAL ran at once,
 * usually before the script (the differential judge's nondeterministic failures with scripts).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = {"kv.server.port=0"})
@DirtiesContext
class PipelinedScriptTest extends RunningServerTest {

    private static final int ROUNDS = 50;

    @Autowired
    RespServerConnectionFactory connectionFactory;

    RawConnection client;

    @BeforeEach
    void connect() throws IOException {
        client = new RawConnection(connectionFactory.getPort());
        assertThat(pipeline("FLUSHALL")).containsExactly(ok());
    }

    @AfterEach
    void disconnect() throws IOException {
        client.close();
    }

    @Test
    void aGetPipelinedAfterAnEvalReadsWhatTheScriptWrote() throws IOException {
        for (int round = 0; round < ROUNDS; round++) {
            assertThat(pipeline("SET k old", "EVAL \"return redis.call('set', KEYS[1], ARGV[1])\" 1 k new" + round,
                    "GET k"))
                    .as("round %d", round)
                    .containsExactly(ok(), ok(), bulk("new" + round));
        }
    }

    @Test
    void aSetPipelinedAfterAnEvalLandsAfterTheScript() throws IOException {
        for (int round = 0; round < ROUNDS; round++) {
            assertThat(pipeline("SET k before", "EVAL \"return redis.call('get', KEYS[1])\" 1 k", "SET k after",
                    "GET k"))
                    .as("round %d", round)
                    .containsExactly(ok(), bulk("before"), ok(), bulk("after"));
        }
    }

    @Test
    void aSelectPipelinedAfterAnEvalDoesNotChangeTheDatabaseTheScriptRunsIn() throws IOException {
        assertThat(pipeline("SET k zero", "SELECT 1", "SET k one", "SELECT 0")).containsExactly(ok(), ok(), ok(), ok());
        for (int round = 0; round < ROUNDS; round++) {
            assertThat(pipeline("EVAL \"return redis.call('get', KEYS[1])\" 1 k", "SELECT 1",
                    "EVAL \"return redis.call('get', KEYS[1])\" 1 k", "SELECT 0"))
                    .as("round %d", round)
                    .containsExactly(bulk("zero"), ok(), bulk("one"), ok());
        }
    }

    @Test
    void aTransactionPipelinedBehindAScriptQueuesItsCommands() throws IOException {
        for (int round = 0; round < ROUNDS; round++) {
            assertThat(pipeline("EVAL \"return redis.call('set', KEYS[1], 'script')\" 1 k", "MULTI", "GET k",
                    "SET k tx", "EXEC"))
                    .as("round %d", round)
                    .containsExactly(ok(), ok(), queued(), queued(),
                            new RespValue.Array(List.of(bulk("script"), ok())));
        }
    }

    @Test
    void aScriptSeesTheWritesPipelinedBeforeIt() throws IOException {
        for (int round = 0; round < ROUNDS; round++) {
            assertThat(pipeline("SET k v" + round, "MSET a 1 b 2", "EVAL \"return {redis.call('get', KEYS[1]), "
                    + "redis.call('incr', KEYS[2])}\" 2 k a"))
                    .as("round %d", round)
                    .containsExactly(ok(), ok(), new RespValue.Array(List.of(bulk("v" + round), new RespValue.Integer(2))));
        }
    }

    @Test
    void aScriptAfterAFlushAndAHashWriteFindsTheHash() throws IOException {
        for (int round = 0; round < ROUNDS; round++) {
            List<RespValue> replies = pipeline("SET k1 s", "FLUSHDB ASYNC", "HSET k1 f v",
                    "EVAL \"return redis.call('type', KEYS[1])\" 1 k1", "EVAL \"return redis.call('get', KEYS[1])\" 1 k1");
            assertThat(replies.subList(0, 4)).as("round %d", round)
                    .containsExactly(ok(), ok(), new RespValue.Integer(1), new RespValue.SimpleString("hash"));
            assertThat(replies.get(4)).as("round %d", round).isInstanceOf(RespValue.Error.class);
            assertThat(((RespValue.Error) replies.get(4)).message()).as("round %d", round)
                    .startsWith("WRONGTYPE Operation against a key holding the wrong kind of value");
        }
    }

    /** Sends every command (redis-cli words) in one write, then reads their replies. */
    private List<RespValue> pipeline(String... commands) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (String command : commands) {
            all.writeBytes(ScriptedCommands.encode(ScriptedCommands.words(command)));
        }
        client.send(all.toByteArray());
        List<RespValue> replies = new ArrayList<>(commands.length);
        for (int i = 0; i < commands.length; i++) {
            replies.add(client.read());
        }
        return replies;
    }

    private static RespValue ok() {
        return new RespValue.SimpleString("OK");
    }

    private static RespValue queued() {
        return new RespValue.SimpleString("QUEUED");
    }

    private static RespValue bulk(String text) {
        return new RespValue.BulkString(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
