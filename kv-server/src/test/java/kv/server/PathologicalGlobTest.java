package kv.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import kv.protocol.endpoint.RespServerConnectionFactory;
import kv.protocol.resp.RespValue;
import kv.server.testing.Pinger;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Issue 15's hostile glob (Redis CVE-2022-36021): {@code *a*a*a*a*a*a*a*a*a*a*a*b} and longer, over
 * a key of 32 {@code a}s among many keys, through KEYS, SCAN MATCH and DUMP, while another client
 * PINGs. The backtracking matcher took 20 s for one key and held the event loop for 6.2 s; now
 * each command completes and every PING is answered. The figures (each command's time, the
 * PINGs' p50, p99 and max) are logged, not asserted: only liveness is, with a 5 s bound.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = "kv.server.port=0")
@DirtiesContext
class PathologicalGlobTest extends RunningServerTest {

    private static final Logger log = LoggerFactory.getLogger(PathologicalGlobTest.class);
    private static final int OTHER_KEYS = Integer.getInteger("kv.glob.keys", 50_000);
    private static final String KEY = "a".repeat(32);
    private static final long LIVENESS_NANOS = 5_000_000_000L;

    @Autowired
    RespServerConnectionFactory connectionFactory;

    @Test
    void hostilePatternsAreAnsweredWhileAnotherClientsPingsAreServed() throws Exception {
        int port = connectionFactory.getPort();
        try (Jedis writer = new Jedis("127.0.0.1", port, 60_000)) {
            writer.set(KEY, "value");
            Pipeline pipeline = writer.pipelined();
            for (int i = 0; i < OTHER_KEYS; i++) {
                pipeline.set("aaaa:" + i + ":" + "a".repeat(24), "v");
                if (i % 1000 == 999) {
                    pipeline.sync();
                }
            }
            pipeline.sync();
        }
        Pinger pinger = Pinger.start(port);
        List<String> figures = new ArrayList<>();
        try (Jedis jedis = new Jedis("127.0.0.1", port, 60_000); RawConnection raw = new RawConnection(port)) {
            for (int stars : new int[] {11, 20, 40}) {
                String hostile = "*a".repeat(stars) + "*b";
                String matching = "*a".repeat(stars < 32 ? stars : 32) + "*";
                long start = System.nanoTime();
                assertThat(jedis.keys(hostile)).isEmpty();
                long keys = System.nanoTime() - start;
                start = System.nanoTime();
                assertThat(scanAll(jedis, hostile)).isEmpty();
                long scan = System.nanoTime() - start;
                start = System.nanoTime();
                RespValue dump = raw.send("DUMP " + hostile + "\r\n").read();
                long dumpNanos = System.nanoTime() - start;
                assertThat(dump).isEqualTo(new RespValue.Array(List.of()));
                assertThat(jedis.keys(matching)).as("the pattern without its b matches").contains(KEY);
                for (long nanos : new long[] {keys, scan, dumpNanos}) {
                    assertThat(nanos).as("%d stars answered (liveness, not a timing)", stars).isLessThan(LIVENESS_NANOS);
                }
                figures.add(String.format("%d stars: KEYS %.1f ms, SCAN MATCH (whole walk) %.1f ms, DUMP %.1f ms",
                        stars, keys / 1e6, scan / 1e6, dumpNanos / 1e6));
            }
        }
        catch (Exception | AssertionError e) {
            pinger.stop();
            throw e;
        }
        long[] sorted = pinger.stop();
        log.info("Hostile globs over one key of 32 a's among {} keys: {}; {}", OTHER_KEYS + 1, String.join("; ", figures),
                Pinger.summary(sorted));
        assertThat(sorted).as("the other client was served meanwhile").isNotEmpty();
        assertThat(sorted[sorted.length - 1]).as("no PING waited 5 s (liveness, not a timing)").isLessThan(LIVENESS_NANOS);
    }

    private static List<String> scanAll(Jedis jedis, String pattern) {
        List<String> found = new ArrayList<>();
        String cursor = ScanParams.SCAN_POINTER_START;
        ScanParams params = new ScanParams().match(pattern).count(1000);
        int rounds = 0;
        do {
            ScanResult<String> page = jedis.scan(cursor, params);
            found.addAll(page.getResult());
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START) && ++rounds < 100_000);
        return found;
    }
}
