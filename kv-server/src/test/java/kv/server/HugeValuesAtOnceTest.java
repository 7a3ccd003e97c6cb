package kv.server;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import kv.server.testing.KvServerProcess;
import kv.server.testing.Upload;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * 24 clients each sending a 200 MB value at once, to a server with a 2 GB heap (its query-buffer
 * budget a quarter of it): each gets +OK or the budget's error and a clean close, none waits
 * unanswered, the server runs out of no memory and goes on serving. Before the budget this drove
 * kv-server to OutOfMemoryError in the event loop, and one client got neither a reply nor a close
 * for 120 s. Prints the server's resident memory before and after.
 */
class HugeValuesAtOnceTest {

    private static final int CLIENTS = 24;
    private static final long VALUE = 200L * 1024 * 1024;

    @TempDir
    Path work;

    @Test
    void everyClientGetsItsReplyOrAClearErrorAndTheServerLives() throws Exception {
        try (KvServerProcess server = KvServerProcess.start(work, "-Xmx2g")) {
            long rssBefore = rssKb(server.pid());
            List<Upload> uploads = new ArrayList<>();
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                Upload upload = new Upload(server.port(), "huge:" + i, VALUE);
                uploads.add(upload);
                threads.add(upload.start());
            }
            long peak = rssBefore;
            for (Thread thread : threads) {
                while (thread.isAlive()) {
                    thread.join(200);
                    peak = Math.max(peak, rssKb(server.pid()));
                }
            }
            long rssAfter = rssKb(server.pid());
            int stored = 0;
            for (Upload upload : uploads) {
                String answer = upload.answer();
                assertThat(answer).as("a reply or a clear error, then end of stream")
                        .satisfiesAnyOf(a -> assertThat(a).isEqualTo("+OK"),
                                a -> assertThat(a).startsWith("-ERR Protocol error: the requests being received")
                                        .endsWith("<end of stream>"));
                stored += "+OK".equals(answer) ? 1 : 0;
            }
            System.out.printf("%d x %d MB at once: %d stored, %d refused; server RSS %d MB before, %d MB peak, %d MB after%n",
                    CLIENTS, VALUE >> 20, stored, CLIENTS - stored, rssBefore >> 10, peak >> 10, rssAfter >> 10);
            assertThat(stored).as("values stored").isPositive();
            try (Jedis jedis = new Jedis("127.0.0.1", server.port())) {
                assertThat(jedis.ping()).isEqualTo("PONG");
                assertThat(jedis.dbSize()).isEqualTo(stored);
            }
            assertThat(Files.readString(server.log())).doesNotContain("OutOfMemoryError");
        }
    }

    private static long rssKb(long pid) throws java.io.IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return 0;
    }
}
