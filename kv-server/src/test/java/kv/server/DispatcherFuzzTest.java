package kv.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.SilentCloseable;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import kv.protocol.endpoint.RespServerConnectionFactory;
import kv.protocol.resp.RespDecoder;
import kv.protocol.resp.RespInput;
import kv.protocol.resp.RespLimits;
import kv.protocol.resp.RespProtocolException;
import kv.protocol.resp.RespValue;
import kv.protocol.resp.Request;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.util.FileSystemUtils;

/**
 * Fuzzes the whole of kv-server behind its RESP port: a real server (event loop, decoder,
 * dispatcher, every command, RocksDB in a temporary folder) started once in this JVM, so that
 * Jazzer sees the coverage of the code each input reaches. An input is the bytes one client
 * sends on a new connection. The invariants, as Redis keeps them:
 * <ul>
 *   <li>every whole request gets exactly one reply, in order, and none is an internal error (an
 *       exception that escaped a command);</li>
 *   <li>malformed bytes get {@code -ERR Protocol error: ...} after the replies to the requests
 *       before them, and then a close;</li>
 *   <li>no reply takes more than {@link #HANG} (a hang is a finding).</li>
 * </ul>
 * What a request is, and where the bytes become malformed, is decided by a {@link RespDecoder}
 * with the server's limits, the one grammar of the project.
 *
 * <p>Left out, so that one reply per request holds and an input cannot stop the server: the
 * commands that answer more or less than once or change the server for every later input
 * ({@link #LEFT_OUT}: subscriptions, CLIENT, CONFIG SET, scripts, which may loop until killed,
 * and backups, which write directories wherever an input names),
 * and replies sized by an argument rather than by the input (SETRANGE far offsets, HRANDFIELD
 * huge counts), which Redis bounds with its output-buffer limits, not per request.
 */
class DispatcherFuzzTest {

    private static final int HANG = 10_000;
    private static final Set<String> LEFT_OUT = Set.of("subscribe", "psubscribe", "unsubscribe", "punsubscribe",
            "client", "eval", "eval_ro", "evalsha", "evalsha_ro", "script",
            "bgsave", "save", "backup"); // backups write directories wherever an input names
    /** The limits kv-server decodes requests with by default (kv.server.limits.*). */
    private static final RespLimits SERVER_LIMITS = new RespLimits(512L * 1024 * 1024, 1024 * 1024, 64 * 1024, 1);

    private static Path dataDir;
    private static ConfigurableApplicationContext server;
    private static int port;
    private static long inputs;

    @BeforeAll
    static void startServer() throws IOException {
        dataDir = Files.createTempDirectory("kv-fuzz");
        server = new SpringApplicationBuilder(KvServerApplication.class).web(WebApplicationType.NONE)
                .run("--kv.server.port=0", "--kv.server.data-dir=" + dataDir, "--kv.server.fsync=no",
                        "--kv.server.min-free-disk=0", "--logging.level.kv=WARN",
                        "--kv.server.backup-dir=" + dataDir.resolve("backups"));
        port = server.getBean(RespServerConnectionFactory.class).getPort();
    }

    @AfterAll
    static void stopServer() throws IOException {
        if (server != null) {
            server.close();
        }
        FileSystemUtils.deleteRecursively(dataDir);
    }

    @FuzzTest
    @DictionaryEntries({"*", "$", "SET", "GET", "DEL", "MULTI", "EXEC", "WATCH", "HSET", "HGETALL", "EXPIRE",
            "KEYS", "SCAN", "DUMP", "HELLO", "SELECT", "INCR", "MATCH", "COUNT", "PX", "NX", "GET", "*a*a*a"})
    void everyRequestGetsOneReplyAndMalformedBytesAClose(byte[] wire) throws IOException {
        // Jazzer's SSRF detector reports any socket opened while fuzzing: this test's own go to loopback.
        try (SilentCloseable loopback = BugDetectors.allowNetworkConnections((host, port) -> host.startsWith("127.")
                || host.equals("localhost") || host.equals("::1"))) {
            exchange(wire);
        }
    }

    private static void exchange(byte[] wire) throws IOException {
        Expected expected = Expected.of(wire);
        if (expected == null) {
            return;
        }
        if (++inputs % 1000 == 0) {
            flushAll();
        }
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(HANG);
            OutputStream out = socket.getOutputStream();
            out.write(wire);
            out.flush();
            RespInput in = new RespInput(socket.getInputStream());
            RespDecoder replies = new RespDecoder();
            for (int i = 0; i < expected.requests.size(); i++) {
                Request request = expected.requests.get(i);
                RespValue reply = read(replies, in, request);
                assertThat(reply).as("reply %d of %d, to %s", i + 1, expected.requests.size(), request).isNotNull();
                if (reply instanceof RespValue.Error error) {
                    assertThat(error.message()).as("the reply to %s", request).doesNotStartWith("ERR internal error");
                }
            }
            if (expected.closes) {
                RespValue last = expected.malformed != null ? read(replies, in, null) : null;
                if (expected.malformed != null) {
                    assertThat(last).isEqualTo(new RespValue.Error("ERR Protocol error: " + expected.malformed));
                }
                assertThat(read(replies, in, null)).as("a close after " + (expected.malformed != null
                        ? "the protocol error" : "QUIT")).isNull();
            }
        }
    }

    private static RespValue read(RespDecoder replies, RespInput in, Request request) throws IOException {
        try {
            return replies.readValue(in);
        }
        catch (SocketTimeoutException e) {
            return fail("no reply within " + HANG + " ms" + (request == null ? "" : " to " + request));
        }
        catch (java.net.SocketException e) {
            return null; // reset after the close
        }
    }

    private static void flushAll() throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(HANG);
            socket.getOutputStream().write("FLUSHALL\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            socket.getInputStream().read();
        }
    }

    /** What the server must answer to one input: a reply per request, then maybe an error and a close. */
    private record Expected(List<Request> requests, String malformed, boolean closes) {

        /** Null if the input has a command this test leaves out. */
        static Expected of(byte[] wire) throws IOException {
            RespDecoder decoder = new RespDecoder(SERVER_LIMITS);
            RespInput in = new RespInput(new java.io.ByteArrayInputStream(wire));
            List<Request> requests = new ArrayList<>();
            try {
                Request request;
                while ((request = decoder.readRequest(in)) != null) {
                    if (leftOut(request)) {
                        return null;
                    }
                    requests.add(request);
                    if (request.name().equals("quit")) {
                        return new Expected(requests, null, true);
                    }
                }
            }
            catch (RespProtocolException e) {
                return new Expected(requests, e.getMessage(), true);
            }
            catch (java.io.EOFException e) {
                // the last request is unfinished: the server waits for the rest of it
            }
            return new Expected(requests, null, false);
        }

        private static boolean leftOut(Request request) {
            String name = request.name();
            if (LEFT_OUT.contains(name) || name.equals("config") && request.argIs(1, "set")) {
                return true;
            }
            if (name.equals("setrange") && request.size() > 2) {
                return !smallNumber(request.argString(2));
            }
            if (name.equals("hrandfield") && request.size() > 2) {
                return !smallNumber(request.argString(2));
            }
            return false;
        }

        private static boolean smallNumber(String text) {
            try {
                return Math.abs(Long.parseLong(text)) <= 100_000;
            }
            catch (NumberFormatException e) {
                return true; // an error reply
            }
        }
    }
}
