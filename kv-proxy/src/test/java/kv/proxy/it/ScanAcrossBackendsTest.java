package kv.proxy.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import kv.proxy.backend.Backend;
import kv.proxy.backend.Backends;
import kv.proxy.testing.ProxyRunner;
import kv.proxy.testing.RedisServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * SCAN, KEYS and RANDOMKEY over three Redis servers, the middle one empty: one cursor space, no
 * empty page for the empty backend, every key once.
 */
class ScanAcrossBackendsTest {

    @TempDir
    static Path work;

    static final List<RedisServerProcess> redis = new ArrayList<>();
    static ProxyRunner proxy;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(RedisServerProcess.available(), "redis-server is not installed");
        for (int i = 0; i < 3; i++) {
            redis.add(RedisServerProcess.start(work));
        }
        proxy = ProxyRunner.start(redis.stream().map(RedisServerProcess::port).toList());
        proxy.awaitCoherent();
    }

    @AfterAll
    static void stop() throws Exception {
        if (proxy != null) {
            proxy.close();
        }
        for (RedisServerProcess server : redis) {
            server.close();
        }
    }

    @Test
    void scanWalksEveryBackendInOneIntegerCursorSpaceSkippingAnEmptyOne() {
        Backends backends = proxy.bean(Backends.class);
        Backend empty = backends.all().get(1);
        Set<String> written = new HashSet<>();
        try (Jedis client = new Jedis("127.0.0.1", proxy.port())) {
            client.select(1);
            for (int i = 0; written.size() < 500; i++) {
                String key = "k" + i;
                if (backends.owner(key.getBytes()) != empty) {
                    client.set(key, "v");
                    written.add(key);
                }
            }
            List<String> scanned = new ArrayList<>();
            Set<Long> backendsSeen = new HashSet<>();
            String cursor = ScanParams.SCAN_POINTER_START;
            int pages = 0;
            do {
                ScanResult<String> page = client.scan(cursor, new ScanParams().count(40));
                cursor = page.getCursor();
                long value = Long.parseUnsignedLong(cursor);
                backendsSeen.add(Long.remainderUnsigned(value, 3));
                if (!cursor.equals("0")) {
                    assertThat(page.getResult()).as("no empty page at a backend's end").isNotEmpty();
                }
                scanned.addAll(page.getResult());
                pages++;
            } while (!cursor.equals("0") && pages < 1000);
            assertThat(new HashSet<>(scanned)).isEqualTo(written);
            assertThat(scanned).as("each key once (no rehashing happened)").hasSameSizeAs(written);
            assertThat(backendsSeen).as("cursors of the first and the last backend").contains(0L, 2L);

            assertThat(new HashSet<>(client.keys("*"))).isEqualTo(written);
            for (int i = 0; i < 50; i++) {
                assertThat(written).contains(client.randomKey());
            }
            client.select(0);
            assertThat(client.scan("0").getResult()).as("database 0 is empty").isEmpty();
            assertThat(client.scan("0").getCursor()).isEqualTo("0");
            assertThat(client.randomKey()).isNull();
        }
    }
}
