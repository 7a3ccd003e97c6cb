package kv.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import kv.protocol.endpoint.RespServerConnectionFactory;
import kv.protocol.resp.RespValue;
import kv.server.script.ScriptGate;
import kv.server.script.Sha1;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;

/**
 * A script has the keyspace to itself while it runs, as on Redis's single thread, yet the event
 * loops keep answering: other clients' commands wait for it (never landing in the middle), get
 * -BUSY once it has run past the threshold (1 s here), and SCRIPT KILL stops one that has not
 * written. Every wait is bounded by the connections' 10 s read timeout.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {"kv.server.port=0", "kv.server.busy-reply-threshold=1s", "kv.server.io-threads=2"})
@DirtiesContext
class ScriptConcurrencyTest extends RunningServerTest {

    /** Busy-waits {@code ARGV[1]} ms by the server's clock (TIME), calling Redis all along. */
    private static final String WAIT = """
            local function now()
              local t = redis.call('time')
              return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            end
            local start = now()
            while now() - start < tonumber(ARGV[1]) do end
            """;

    @Autowired
    RespServerConnectionFactory connectionFactory;

    @Autowired
    ScriptGate gate;

    RawConnection scripting;
    RawConnection other;

    @BeforeEach
    void connect() throws IOException {
        scripting = new RawConnection(connectionFactory.getPort());
        other = new RawConnection(connectionFactory.getPort());
        assertThat(call(other, "FLUSHALL")).isEqualTo(new RespValue.SimpleString("OK"));
    }

    @AfterEach
    void disconnect() throws IOException {
        scripting.close();
        other.close();
    }

    @Test
    void aScriptThatLoopsForeverIsKilledWhileOtherClientsGetBusyThenNormalService() throws Exception {
        String script = "local i = 0 while true do i = i + 1 end";
        scripting.send(command("EVAL", script, "0"));
        awaitScriptRunning();

        // Waits for the threshold, then refused as Redis refuses it.
        assertThat(call(other, "GET", "k")).isEqualTo(new RespValue.Error(ScriptGate.BUSY));
        assertThat(call(other, "SET", "k", "v")).isEqualTo(new RespValue.Error(ScriptGate.BUSY));
        assertThat(call(other, "SCRIPT", "KILL")).isEqualTo(new RespValue.SimpleString("OK"));

        assertThat(scripting.read()).isEqualTo(new RespValue.Error("ERR Script killed by user with SCRIPT KILL... script: "
                + Sha1.hex(script.getBytes(StandardCharsets.UTF_8)) + ", on @user_script:1."));
        assertThat(call(other, "SET", "k", "v")).isEqualTo(new RespValue.SimpleString("OK"));
        assertThat(call(other, "GET", "k")).isEqualTo(RespValue.BulkString.of("v"));
        assertThat(call(scripting, "PING")).isEqualTo(new RespValue.SimpleString("PONG"));
        assertThat(call(other, "SCRIPT", "KILL"))
                .isEqualTo(new RespValue.Error("NOTBUSY No scripts in execution right now."));
    }

    @Test
    void aScriptThatWroteCannotBeKilledAndItsWritesStay() throws Exception {
        scripting.send(command("EVAL", "redis.call('set', KEYS[1], 'written')\n" + WAIT + "return 'done'", "1", "w", "2000"));
        awaitScriptRunning();

        assertThat(call(other, "GET", "w")).isEqualTo(new RespValue.Error(ScriptGate.BUSY));
        assertThat(call(other, "SCRIPT", "KILL")).isEqualTo(new RespValue.Error("UNKILLABLE Sorry the script already "
                + "executed write commands against the dataset. You can either wait the script termination or kill the "
                + "server in a hard way using the SHUTDOWN NOSAVE command."));
        assertThat(scripting.read()).isEqualTo(RespValue.BulkString.of("done"));
        assertThat(call(other, "GET", "w")).isEqualTo(RespValue.BulkString.of("written"));
    }

    @Test
    void anotherClientsWriteWaitsForTheScriptAndNeverLandsInTheMiddle() throws Exception {
        call(other, "SET", "k", "before");
        scripting.send(command("EVAL", "local a = redis.call('get', KEYS[1])\n" + WAIT
                + "local b = redis.call('get', KEYS[1])\nredis.call('set', KEYS[1], 'script')\nreturn {a, b}",
                "1", "k", "200"));
        awaitScriptRunning();
        // Sent while the script runs (it waits 200 ms, the threshold is 1 s): answered after it.
        RespValue set = call(other, "SET", "k", "other");
        assertThat(set).isEqualTo(new RespValue.SimpleString("OK"));
        RespValue seen = scripting.read();
        assertThat(seen).isEqualTo(new RespValue.Array(List.of(RespValue.BulkString.of("before"),
                RespValue.BulkString.of("before"))));
        assertThat(call(other, "GET", "k")).isEqualTo(RespValue.BulkString.of("other"));
    }

    @Test
    void readersNeverSeePartOfAScriptsWrites() throws Exception {
        int keys = 50;
        List<String> names = new ArrayList<>();
        for (int i = 0; i < keys; i++) {
            names.add("key" + i);
        }
        String script = "for i = 1, #KEYS do redis.call('set', KEYS[i], ARGV[1]) end return #KEYS";
        AtomicBoolean writing = new AtomicBoolean(true);
        CompletableFuture<List<String>> reader = CompletableFuture.supplyAsync(() -> {
            List<String> mixed = new ArrayList<>();
            try (RawConnection reading = new RawConnection(connectionFactory.getPort())) {
                List<String> mget = new ArrayList<>(List.of("MGET"));
                mget.addAll(names);
                for (int round = 0; round < 2000 && writing.get(); round++) {
                    RespValue.Array values = (RespValue.Array) call(reading, mget.toArray(String[]::new));
                    if (values.elements().stream().distinct().count() > 1) {
                        mixed.add(values.toString());
                    }
                }
            }
            catch (IOException e) {
                throw new IllegalStateException(e);
            }
            return mixed;
        });
        List<String> args = new ArrayList<>(List.of("EVAL", script, String.valueOf(keys)));
        args.addAll(names);
        args.add("");
        for (int version = 1; version <= 40; version++) {
            args.set(args.size() - 1, "v" + version);
            assertThat(call(scripting, args.toArray(String[]::new))).isEqualTo(new RespValue.Integer(keys));
        }
        writing.set(false);
        assertThat(reader.get(30, TimeUnit.SECONDS)).isEmpty();
    }

    /** Until the gate shows a script running (bounded: 10 s). */
    private void awaitScriptRunning() throws InterruptedException {
        for (int i = 0; i < 1000 && gate.running() == null; i++) {
            Thread.sleep(10);
        }
        assertThat(gate.running()).as("a script runs").isNotNull();
    }

    private static RespValue call(RawConnection connection, String... words) throws IOException {
        return connection.send(command(words)).read();
    }

    private static byte[] command(String... words) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("*" + words.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (String word : words) {
            byte[] bytes = word.getBytes(StandardCharsets.UTF_8);
            out.writeBytes(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(bytes);
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        return out.toByteArray();
    }
}
