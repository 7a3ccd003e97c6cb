package kv.server.backup;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;

import kv.protocol.backup.BackupManifest;
import kv.protocol.backup.BackupRestore;
import kv.server.testing.KvServerProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.params.SetParams;

/**
 * A backup taken while clients write restores exactly the state at one moment within the
 * BACKUP command's run: every write acknowledged before BACKUP was sent is in it, none sent
 * after the backup was seen complete is, and each writer's writes in it are a prefix of its
 * sequence (nothing of a later write without every earlier one), strings with and without
 * expiry times, a two-key MSET, hash fields and a hash's expiry alike.
 *
 * <p>Each writer {@code w} sends op {@code i = 0, 1, 2, ...}, one at a time, each a single
 * command (so each is atomic): {@code i % 3 == 0} adds field {@code f<i>} to hash {@code h<w>}
 * (every 30th instead sets the hash's expiry time), {@code i % 3 == 1} sets {@code w<w>:<i>}
 * with an absolute expiry time, {@code i % 3 == 2} MSETs {@code w<w>:<i>} and {@code w<w>:last}
 * to {@code i}. The state after any prefix {@code 0..k} is known, and is compared in full.
 */
class BackupWhileWritingTest {

    private static final int WRITERS = 4;
    /** Expiry times far ahead, so that nothing expires during the test. */
    private static final long FAR = System.currentTimeMillis() + 86_400_000L * 365;

    @TempDir
    Path workDir;

    @Test
    void aBackupDuringWritesRestoresExactlyTheAcknowledgedStateAtOneMoment() throws Exception {
        Path backup = workDir.resolve("backups").resolve("during-writes");
        AtomicLongArray acknowledged = new AtomicLongArray(WRITERS); // last op acknowledged, -1 none
        AtomicLongArray started = new AtomicLongArray(WRITERS); // last op sent (maybe unanswered)
        long[] acknowledgedBeforeBackup = new long[WRITERS];
        long[] startedWhenDone = new long[WRITERS];
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> writers = new ArrayList<>();
        List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (KvServerProcess server = KvServerProcess.start(workDir.resolve("live"),
                "--kv.server.backup-dir=" + workDir.resolve("backups"))) {
            for (int w = 0; w < WRITERS; w++) {
                int writer = w;
                acknowledged.set(w, -1);
                started.set(w, -1);
                Thread thread = new Thread(() -> {
                    try (Jedis jedis = new Jedis("127.0.0.1", server.port(), 20_000)) {
                        for (int i = 0; i < 1_000_000 && !stop.get(); i++) {
                            started.set(writer, i);
                            write(jedis, writer, i);
                            acknowledged.set(writer, i);
                        }
                    }
                    catch (Throwable e) {
                        failures.add(e);
                    }
                }, "writer-" + w);
                thread.start();
                writers.add(thread);
            }
            try (Jedis admin = new Jedis("127.0.0.1", server.port(), 20_000)) {
                awaitEachWriterPast(acknowledged, 300);
                for (int w = 0; w < WRITERS; w++) {
                    acknowledgedBeforeBackup[w] = acknowledged.get(w);
                }
                Object reply = admin.sendCommand(() -> "BACKUP".getBytes(StandardCharsets.US_ASCII),
                        backup.toString().getBytes(StandardCharsets.UTF_8));
                assertThat(new String((byte[]) reply, StandardCharsets.UTF_8)).isEqualTo("Background saving started");
                for (int poll = 0; poll < 600 && admin.info("persistence").contains("rdb_bgsave_in_progress:1"); poll++) {
                    Thread.sleep(50);
                }
                String info = admin.info("persistence");
                assertThat(info).contains("rdb_bgsave_in_progress:0", "rdb_last_bgsave_status:ok",
                        "kv_last_backup_dir:" + backup);
                for (int w = 0; w < WRITERS; w++) {
                    startedWhenDone[w] = started.get(w);
                }
                awaitEachWriterPast(acknowledged, (int) java.util.Arrays.stream(startedWhenDone).max().orElse(0) + 30);
            }
            finally {
                stop.set(true);
                for (Thread thread : writers) {
                    thread.join(30_000);
                }
            }
        }
        assertThat(failures).isEmpty();

        Path restored = workDir.resolve("restored").resolve("data");
        BackupRestore.Restored result = BackupRestore.restore(backup, restored);
        assertThat(result.manifest().files()).isNotEmpty();
        assertThat(Files.exists(restored.resolve(BackupManifest.NAME))).isFalse();
        try (KvServerProcess again = KvServerProcess.start(workDir.resolve("restored"));
             Jedis jedis = new Jedis("127.0.0.1", again.port(), 20_000)) {
            long keys = 0;
            for (int w = 0; w < WRITERS; w++) {
                long k = lastApplied(jedis, w);
                assertThat(k).as("writer %d: ops acknowledged before BACKUP are in the backup", w)
                        .isGreaterThanOrEqualTo(acknowledgedBeforeBackup[w]);
                assertThat(k).as("writer %d: no op sent after the backup was complete is in it", w)
                        .isLessThanOrEqualTo(startedWhenDone[w]);
                keys += assertStateAfter(jedis, w, k);
            }
            assertThat(jedis.dbSize()).as("nothing but the writers' keys").isEqualTo(keys);
        }
    }

    private static void write(Jedis jedis, int w, int i) {
        switch (i % 3) {
            case 0 -> {
                if (i % 30 == 0) {
                    jedis.pexpireAt("h" + w, FAR + i);
                }
                else {
                    jedis.hset("h" + w, "f" + i, "v" + i);
                }
            }
            case 1 -> assertThat(jedis.set("w" + w + ":" + i, "v" + i, SetParams.setParams().pxAt(FAR + i)))
                    .isEqualTo("OK");
            default -> assertThat(jedis.mset("w" + w + ":" + i, "v" + i, "w" + w + ":last", Integer.toString(i)))
                    .isEqualTo("OK");
        }
    }

    /** The last op of writer {@code w} in the restored data, found from {@code w<w>:last} and the two ops after it. */
    private static long lastApplied(Jedis jedis, int w) {
        String last = jedis.get("w" + w + ":last");
        long mset = last == null ? -1 : Long.parseLong(last);
        if (jedis.exists("w" + w + ":" + (mset + 2))) {
            return mset + 2;
        }
        long next = mset + 1; // a hash op
        boolean applied = next % 30 == 0 ? jedis.pexpireTime("h" + w) == FAR + next
                : jedis.hexists("h" + w, "f" + next);
        return applied ? next : mset;
    }

    /** Checks every key writer {@code w} has after ops 0..k, and that nothing of a later op is there; returns its keys. */
    private static long assertStateAfter(Jedis jedis, int w, long k) {
        Map<String, String> fields = new HashMap<>();
        long hashExpiry = -1;
        long keys = 0;
        Pipeline pipeline = jedis.pipelined();
        Map<Long, Response<String>> values = new HashMap<>();
        Map<Long, Response<Long>> expiries = new HashMap<>();
        for (long i = 0; i <= k + 3; i++) {
            if (i % 3 != 0) {
                values.put(i, pipeline.get("w" + w + ":" + i));
                expiries.put(i, pipeline.pexpireTime("w" + w + ":" + i));
            }
            else if (i <= k && i % 30 == 0) {
                hashExpiry = fields.isEmpty() ? hashExpiry : FAR + i; // PEXPIREAT of an absent key does nothing
            }
            else if (i <= k) {
                fields.put("f" + i, "v" + i);
            }
        }
        Response<Map<String, String>> hash = pipeline.hgetAll("h" + w);
        Response<Long> hashTtl = pipeline.pexpireTime("h" + w);
        Response<String> last = pipeline.get("w" + w + ":last");
        pipeline.sync();
        for (long i = 0; i <= k + 3; i++) {
            if (i % 3 == 0) {
                continue;
            }
            if (i <= k) {
                assertThat(values.get(i).get()).as("writer %d op %d", w, i).isEqualTo("v" + i);
                assertThat(expiries.get(i).get()).as("writer %d op %d's expiry", w, i).isEqualTo(i % 3 == 1 ? FAR + i : -1);
                keys++;
            }
            else {
                assertThat(values.get(i).get()).as("writer %d op %d came after the backup", w, i).isNull();
            }
        }
        assertThat(hash.get()).as("writer %d's hash", w).isEqualTo(fields);
        assertThat(hashTtl.get()).as("writer %d's hash expiry", w).isEqualTo(fields.isEmpty() ? -2 : hashExpiry);
        long lastMset = k < 2 ? -1 : k - ((k - 2) % 3);
        assertThat(last.get()).isEqualTo(lastMset < 0 ? null : Long.toString(lastMset));
        return keys + (fields.isEmpty() ? 0 : 1) + (lastMset < 0 ? 0 : 1);
    }

    private static void awaitEachWriterPast(AtomicLongArray acknowledged, int op) throws InterruptedException {
        for (int poll = 0; poll < 1200; poll++) {
            boolean all = true;
            for (int w = 0; w < acknowledged.length(); w++) {
                all &= acknowledged.get(w) >= op;
            }
            if (all) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the writers did not reach op " + op + " within 60 s");
    }
}
