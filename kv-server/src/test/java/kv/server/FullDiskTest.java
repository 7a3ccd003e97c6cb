package kv.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import kv.server.testing.KvServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * A real full disk: kv-server's data directory on a small tmpfs, partly taken by a filler file.
 * Values are refused with a clear error before RocksDB runs out of space (which it would not
 * recover from), what was stored stays readable, and once the filler is deleted values are
 * stored again without a restart. Mounting needs root; without it the test is skipped.
 */
class FullDiskTest {

    private static final int DISK_MB = 128;
    private static final int FILLER_MB = 40;
    private static final int MIN_FREE_MB = 48;
    private static final int VALUE_BYTES = 64 * 1024;

    static Path mount;
    static KvServerProcess server;

    @BeforeAll
    static void smallDisk() throws Exception {
        mount = Files.createTempDirectory("kv-full-disk");
        assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=" + DISK_MB + "m", "tmpfs", mount.toString()),
                "cannot mount a tmpfs here (needs root)");
        try (RandomAccessFile filler = new RandomAccessFile(mount.resolve("filler").toFile(), "rw")) {
            filler.write(new byte[FILLER_MB << 20]); // written, so tmpfs counts it
        }
        server = KvServerProcess.start(mount, "--kv.server.min-free-disk=" + MIN_FREE_MB + "MB");
    }

    @AfterAll
    static void release() throws Exception {
        if (server != null) {
            server.close();
        }
        if (mount != null) {
            run("umount", mount.toString());
        }
    }

    @Test
    void valuesAreRefusedBeforeTheDiskFillsAndStoredAgainOnceThereIsRoom() throws Exception {
        byte[] value = new byte[VALUE_BYTES];
        new Random(7).nextBytes(value); // random: compression must not make the data small
        try (Jedis jedis = new Jedis("127.0.0.1", server.port(), 10_000)) {
            String refusal = null;
            int stored = 0;
            // (128 - 40 - 48) MB of room is about 640 values of 64 KB; 2000 is more than enough.
            for (int i = 0; i < 2000 && refusal == null; i++) {
                try {
                    jedis.set(("k" + i).getBytes(), value);
                    stored++;
                }
                catch (JedisDataException e) {
                    refusal = e.getMessage();
                }
            }
            assertThat(refusal).as("a write was refused").isNotNull()
                    .startsWith("ERR disk full: ").contains("kv.server.min-free-disk (48 MB)");
            assertThat(stored).isGreaterThan(10);
            assertThat(jedis.get(("k" + (stored - 1)).getBytes())).as("the last value stored").isEqualTo(value);
            assertThat(jedis.del("k0")).isEqualTo(1);

            // The refusal came while free space was under the limit, but RocksDB may since have
            // deleted a log it flushed and given room back. Once its files settle, a second
            // filler puts the disk a clear 8 MB under the limit, and then it must say so.
            long settled = settledFreeSpace();
            long underLimit = (MIN_FREE_MB - 8L) << 20;
            if (settled > underLimit) {
                try (RandomAccessFile topUp = new RandomAccessFile(mount.resolve("filler2").toFile(), "rw")) {
                    topUp.write(new byte[(int) (settled - underLimit)]);
                }
            }
            assertThat(jedis.info("persistence")).contains("storage_status:disk full: ", "min_free_disk_bytes:" + (MIN_FREE_MB << 20));
            assertThatThrownBy(() -> jedis.set("refused".getBytes(), value)).hasMessageStartingWith("ERR disk full: ");

            Files.delete(mount.resolve("filler"));
            Files.deleteIfExists(mount.resolve("filler2"));
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            String again = null;
            while (again == null && System.nanoTime() < deadline) {
                try {
                    again = jedis.set("after".getBytes(), value);
                }
                catch (JedisDataException e) {
                    TimeUnit.MILLISECONDS.sleep(50);
                }
            }
            assertThat(again).as("stored again with no restart").isEqualTo("OK");
            assertThat(jedis.get("after".getBytes())).isEqualTo(value);
            assertThat(jedis.dbSize()).isEqualTo(stored); // k0 deleted, "after" added
            assertThat(jedis.info("persistence")).contains("storage_status:ok");
        }
    }

    /** The disk's free bytes once they have stayed the same for half a second (at most 10 s). */
    private static long settledFreeSpace() throws IOException, InterruptedException {
        long last = Files.getFileStore(mount).getUsableSpace();
        int unchanged = 0;
        for (int i = 0; i < 100 && unchanged < 5; i++) {
            TimeUnit.MILLISECONDS.sleep(100);
            long now = Files.getFileStore(mount).getUsableSpace();
            unchanged = now == last ? unchanged + 1 : 0;
            last = now;
        }
        return last;
    }

    private static boolean run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getInputStream().readAllBytes();
        return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
    }
}
