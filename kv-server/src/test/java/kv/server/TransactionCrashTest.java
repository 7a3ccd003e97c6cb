package kv.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import kv.server.testing.KvServerProcess;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.Jedis;

/**
 * {@code kill -9} of the server process while a large EXEC (20,000 SETs) runs: after a restart
 * either every write of the transaction is there or none is, never a part; and once its reply has
 * arrived, all of it is.
 */
class TransactionCrashTest {

    private static final int SETS = 20_000;

    @TempDir
    Path workDir;

    /**
     * @param killAt when the kill comes: after the first +QUEUED or half of them (the server is
     *               still queueing, or already running EXEC: the replies of a read's worth of
     *               commands leave together), after every +QUEUED, once the first byte of EXEC's
     *               reply is in, or after the whole reply
     */
    @ParameterizedTest
    @ValueSource(strings = {"first-queued", "half-queued", "all-queued", "first-byte", "reply"})
    void aKilledTransactionIsAllThereOrNotAtAllAfterARestart(String killAt) throws Exception {
        try (KvServerProcess server = KvServerProcess.start(workDir, "--kv.server.fsync=always")) {
            try (Jedis jedis = new Jedis("127.0.0.1", server.port(), 10_000)) {
                jedis.set("before", "1");
            }
            boolean replied;
            try (Socket socket = new Socket("127.0.0.1", server.port())) {
                socket.setSoTimeout(60_000);
                OutputStream out = new java.io.BufferedOutputStream(socket.getOutputStream(), 1 << 16);
                InputStream in = new BufferedInputStream(socket.getInputStream());
                out.write(resp("MULTI"));
                for (int i = 0; i < SETS; i++) {
                    out.write(resp("SET", "tx:" + i, "value:" + i));
                }
                out.write(resp("SET", "tx:last", "done"));
                out.write(resp("EXEC"));
                out.flush();
                assertThat(line(in)).isEqualTo("+OK");
                int queued = switch (killAt) {
                    case "first-queued" -> 1;
                    case "half-queued" -> SETS / 2;
                    default -> SETS + 1;
                };
                for (int i = 0; i < queued; i++) {
                    assertThat(line(in)).isEqualTo("+QUEUED");
                }
                switch (killAt) {
                    case "first-queued", "half-queued", "all-queued" -> replied = false;
                    case "first-byte" -> {
                        assertThat(in.read()).isEqualTo('*');
                        replied = false;
                    }
                    default -> {
                        assertThat(line(in)).isEqualTo("*" + (SETS + 1));
                        for (int i = 0; i <= SETS; i++) {
                            assertThat(line(in)).isEqualTo("+OK");
                        }
                        replied = true;
                    }
                }
                server.kill();
            }
            server.start();
            try (Jedis jedis = new Jedis("127.0.0.1", server.port(), 10_000)) {
                List<String> keys = new ArrayList<>();
                for (int i = 0; i < SETS; i++) {
                    keys.add("tx:" + i);
                }
                long present = jedis.mget(keys.toArray(String[]::new)).stream().filter(v -> v != null).count();
                boolean last = "done".equals(jedis.get("tx:last"));
                System.out.printf("kill at %s: %d of %d SETs after the restart%n", killAt, present + (last ? 1 : 0),
                        SETS + 1);
                assertThat(present).as("all or none of the transaction's writes").isIn(0L, (long) SETS);
                assertThat(last).as("its last write with the others").isEqualTo(present == SETS);
                if (replied) {
                    assertThat(present).as("an answered EXEC is durable").isEqualTo(SETS);
                }
                assertThat(jedis.dbSize()).isEqualTo(1 + (last ? SETS + 1 : 0));
                assertThat(jedis.get("before")).isEqualTo("1");
            }
        }
    }

    private static byte[] resp(String... words) {
        StringBuilder command = new StringBuilder("*").append(words.length).append("\r\n");
        for (String word : words) {
            command.append('$').append(word.length()).append("\r\n").append(word).append("\r\n");
        }
        return command.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != '\r'; c = in.read()) {
            if (c == -1) {
                throw new IOException("closed after " + line);
            }
            line.append((char) c);
        }
        in.read();
        return line.toString();
    }
}
