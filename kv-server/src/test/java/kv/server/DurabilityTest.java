package kv.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import kv.server.testing.KvServerProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.params.SetParams;

/**
 * Separate server processes, killed and restarted: what was acknowledged is still there.
 *
 * <p>A {@code kill -9} ends the process, not the machine: the operating system's page cache
 * outlives it. So it shows that every write is in RocksDB's write-ahead log before its
 * {@code +OK}, in every fsync mode alike, and cannot tell the modes apart; it runs in the
 * weakest, {@code no}. What the modes change is when the log is synced to the disk, and that is
 * watched directly: the {@code fdatasync} calls kv-server makes on its log files, traced by
 * {@code strace} (which {@code .ci/run} installs).
 */
class DurabilityTest {

    @TempDir
    Path workDir;

    @Test
    void everyAcknowledgedWriteSurvivesKillNineEvenWithFsyncNo() throws Exception {
        int writes = 2000;
        try (KvServerProcess server = KvServerProcess.start(workDir, "--kv.server.fsync=no")) {
            try (Jedis jedis = new Jedis("127.0.0.1", server.port(), 10_000)) {
                for (int i = 0; i < writes; i++) {
                    assertThat(jedis.set("key:" + i, "value:" + i)).isEqualTo("OK");
                }
            }
            server.kill();
            server.start();
            try (Jedis jedis = new Jedis("127.0.0.1", server.port(), 10_000)) {
                assertThat(jedis.dbSize()).isEqualTo(writes);
                for (int i = 0; i < writes; i++) {
                    assertThat(jedis.get("key:" + i)).isEqualTo("value:" + i);
                }
            }
        }
    }

    @ParameterizedTest(name = "fsync {0}")
    @ValueSource(strings = {"always", "everysec", "no"})
    void theFsyncModeDecidesWhenTheWriteAheadLogIsSynced(String fsync) throws Exception {
        int writes = 100;
        try (KvServerProcess server = KvServerProcess.start(workDir, "--kv.server.fsync=" + fsync);
             LogSyncTrace syncs = LogSyncTrace.attach(server, workDir)) {
            try (Jedis jedis = new Jedis("127.0.0.1", server.port(), 10_000)) {
                for (int i = 0; i < writes; i++) {
                    assertThat(jedis.set("key:" + i, "value:" + i)).isEqualTo("OK");
                }
            }
            switch (fsync) {
                case "always" -> assertThat(syncs.count())
                        .as("always: each SET's round synced the log before its +OK").isGreaterThanOrEqualTo(writes);
                case "everysec" -> {
                    assertThat(within(5, () -> syncs.count() >= 1)).as("everysec: a sync within a few seconds").isTrue();
                    long seconds = syncs.secondsTraced();
                    assertThat(syncs.count()).as("everysec: about one sync a second, not one per write (%d s traced)", seconds)
                            .isLessThanOrEqualTo(seconds + 2).isLessThan(writes);
                }
                case "no" -> {
                    // Absence can only be watched for a while: two of everysec's periods.
                    Thread.sleep(2_000);
                    assertThat(syncs.count()).as("no: the log is left to the operating system").isZero();
                }
                default -> throw new IllegalArgumentException(fsync);
            }
            System.out.printf("fsync %s: %d log syncs for %d SETs, %d s traced%n", fsync, syncs.count(), writes,
                    syncs.secondsTraced());
        }
    }

    /**
     * EXEC of 5000 SETs is one RocksDB batch: one log sync with {@code fsync always}, where the
     * same SETs pipelined without MULTI are group-committed in batches of at most 1024 (five syncs
     * or more).
     */
    @Test
    void aTransactionIsOneLogSyncWithFsyncAlways() throws Exception {
        int sets = 5000;
        try (KvServerProcess server = KvServerProcess.start(workDir, "--kv.server.fsync=always");
             LogSyncTrace syncs = LogSyncTrace.attach(server, workDir);
             Jedis jedis = new Jedis("127.0.0.1", server.port(), 10_000)) {
            long before = syncs.count();
            redis.clients.jedis.Transaction transaction = jedis.multi();
            for (int i = 0; i < sets; i++) {
                transaction.set("tx:" + i, "value:" + i);
            }
            assertThat(transaction.exec()).hasSize(sets);
            long transactionSyncs = syncs.count() - before;
            Pipeline pipeline = jedis.pipelined();
            for (int i = 0; i < sets; i++) {
                pipeline.set("piped:" + i, "value:" + i);
            }
            pipeline.sync();
            long pipelineSyncs = syncs.count() - before - transactionSyncs;
            System.out.printf("fsync always: EXEC of %d SETs, %d log sync(s); the same SETs pipelined, %d%n", sets,
                    transactionSyncs, pipelineSyncs);
            assertThat(transactionSyncs).as("one batch, one sync").isEqualTo(1);
            assertThat(pipelineSyncs).isGreaterThanOrEqualTo(sets / 1024);
        }
    }

    @Test
    void pipelinedWritesAcknowledgedInBatchesSurviveKillNine() throws Exception {
        int writes = 5000;
        try (KvServerProcess server = KvServerProcess.start(workDir, "--kv.server.fsync=no")) {
            try (Jedis jedis = new Jedis("127.0.0.1", server.port(), 10_000)) {
                Pipeline pipeline = jedis.pipelined();
                List<Response<String>> acks = new ArrayList<>();
                for (int i = 0; i < writes; i++) {
                    acks.add(pipeline.set("key:" + i, "value:" + i));
                    if (i % 100 == 99) {
                        acks.add(pipeline.mset("mset-a:" + i, "x", "mset-b:" + i, "y"));
                    }
                }
                pipeline.sync();
                assertThat(acks).allSatisfy(ack -> assertThat(ack.get()).isEqualTo("OK"));
            }
            server.kill();
            server.start();
            try (Jedis jedis = new Jedis("127.0.0.1", server.port(), 10_000)) {
                assertThat(jedis.dbSize()).isEqualTo(writes + 2 * (writes / 100));
                for (int i = 0; i < writes; i++) {
                    assertThat(jedis.get("key:" + i)).isEqualTo("value:" + i);
                }
            }
        }
    }

    /**
     * Expiry times are absolute and written with the value: after kill -9, and after a graceful
     * restart, every key has the very same expiry time, in every database; one that comes due
     * after the restart is deleted by the active cycle of the new process.
     */
    @Test
    void keysWithATtlSurviveKillNineAndRestartWithTheirExpiryIntact() throws Exception {
        int writes = 1000;
        long farAway = System.currentTimeMillis() + 3_600_000;
        long soon = System.currentTimeMillis() + 3_000;
        try (KvServerProcess server = KvServerProcess.start(workDir)) {
            try (Jedis jedis = new Jedis("127.0.0.1", server.port(), 10_000)) {
                Pipeline pipeline = jedis.pipelined();
                for (int i = 0; i < writes; i++) {
                    pipeline.set("ttl:" + i, "v", SetParams.setParams().pxAt(farAway + i));
                }
                pipeline.setex("setex", 3600, "v");
                pipeline.set("forever", "v");
                pipeline.sync();
                jedis.set("persisted", "v", SetParams.setParams().ex(100));
                jedis.persist("persisted");
                jedis.select(5);
                jedis.set("db5", "v", SetParams.setParams().pxAt(farAway));
                jedis.set("soon", "v", SetParams.setParams().pxAt(soon));
            }
            server.kill();
            server.start();
            try (Jedis jedis = new Jedis("127.0.0.1", server.port(), 10_000)) {
                for (int i = 0; i < writes; i++) {
                    assertThat(jedis.pexpireTime("ttl:" + i)).isEqualTo(farAway + i);
                }
                assertThat(jedis.ttl("setex")).isBetween(3000L, 3600L);
                assertThat(jedis.ttl("forever")).isEqualTo(-1);
                assertThat(jedis.ttl("persisted")).isEqualTo(-1);
                jedis.select(5);
                assertThat(jedis.pexpireTime("db5")).isEqualTo(farAway);
                long deadline = System.nanoTime() + 30_000_000_000L;
                while (jedis.dbSize() > 1 && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                assertThat(jedis.dbSize()).as("the key due after the restart was deleted").isEqualTo(1);
            }
            server.stop();
            server.start();
            try (Jedis jedis = new Jedis("127.0.0.1", server.port(), 10_000)) {
                assertThat(jedis.pexpireTime("ttl:7")).isEqualTo(farAway + 7);
                jedis.select(5);
                assertThat(jedis.pexpireTime("db5")).isEqualTo(farAway);
                assertThat(jedis.exists("soon")).isFalse();
            }
        }
    }

    @Test
    void swappedDatabasesStaySwappedAfterKillNine() throws Exception {
        try (KvServerProcess server = KvServerProcess.start(workDir)) {
            try (Jedis jedis = new Jedis("127.0.0.1", server.port(), 10_000)) {
                jedis.set("k", "zero");
                jedis.select(1);
                jedis.set("k", "one", SetParams.setParams().ex(1000));
                assertThat(jedis.swapDB(0, 1)).isEqualTo("OK");
            }
            server.kill();
            server.start();
            try (Jedis jedis = new Jedis("127.0.0.1", server.port(), 10_000)) {
                assertThat(jedis.get("k")).isEqualTo("one");
                assertThat(jedis.ttl("k")).isPositive();
                jedis.select(1);
                assertThat(jedis.get("k")).isEqualTo("zero");
                assertThat(jedis.dbSize()).isEqualTo(1);
            }
        }
    }

    @Test
    void aGracefulRestartKeepsTheDataAndClosesTheStoreCleanly() throws Exception {
        try (KvServerProcess server = KvServerProcess.start(workDir)) {
            try (Jedis jedis = new Jedis("127.0.0.1", server.port(), 10_000)) {
                jedis.set("Fname", "Sayali");
            }
            server.stop();
            try (Stream<Path> logs = Files.list(workDir)) {
                Path log = logs.filter(p -> p.getFileName().toString().endsWith(".log")).findFirst().orElseThrow();
                assertThat(Files.readString(log)).contains("Shutting down: no new connections")
                        .contains("RocksDB closed cleanly");
            }
            server.start();
            try (Jedis jedis = new Jedis("127.0.0.1", server.port(), 10_000)) {
                assertThat(jedis.get("Fname")).isEqualTo("Sayali");
            }
        }
    }

    private static boolean within(int seconds, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(50);
        }
        return condition.getAsBoolean();
    }

    /**
     * {@code strace} attached to a running kv-server, recording its {@code fsync} and
     * {@code fdatasync} calls with the files they name ({@code -y}); {@link #count()} counts those
     * on RocksDB's write-ahead logs ({@code NNNNNN.log} in the data directory). strace writes a
     * call's line before the call returns to the server, so a sync made before an {@code +OK}
     * is counted by the time the client has the {@code +OK}.
     */
    private static final class LogSyncTrace implements AutoCloseable {

        private final Process strace;
        private final Path output;
        private final Pattern logSync;
        private final long attachedAt = System.nanoTime();

        private LogSyncTrace(Process strace, Path output, Path dataDir) {
            this.strace = strace;
            this.output = output;
            this.logSync = Pattern.compile("f(data)?sync\\(\\d+<" + Pattern.quote(dataDir.toString()) + "/\\d+\\.log>\\)\\s+= 0");
        }

        static LogSyncTrace attach(KvServerProcess server, Path workDir) throws Exception {
            Path output = workDir.resolve("strace-" + server.pid() + ".txt");
            Path messages = workDir.resolve("strace-" + server.pid() + ".err");
            Process strace;
            try {
                strace = new ProcessBuilder("strace", "-f", "-y", "-e", "trace=fsync,fdatasync", "-e", "signal=none",
                        "-o", output.toString(), "-p", Long.toString(server.pid()))
                        .redirectErrorStream(true).redirectOutput(messages.toFile()).start();
            }
            catch (IOException e) {
                throw new AssertionError("this test needs strace on the PATH (.ci/run installs it)", e);
            }
            boolean attached = within(20, () -> !strace.isAlive() || read(messages).contains("attached"));
            String said = read(messages);
            assumeTrue(!said.contains("Operation not permitted"), "ptrace is not permitted here: " + said);
            assertThat(attached && strace.isAlive()).as("strace attached: %s", said).isTrue();
            return new LogSyncTrace(strace, output, server.dataDir().toRealPath());
        }

        long count() {
            return read(output).lines().filter(line -> logSync.matcher(line).find()).count();
        }

        long secondsTraced() {
            return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - attachedAt) + 1;
        }

        private static String read(Path file) {
            try {
                return Files.exists(file) ? Files.readString(file) : "";
            }
            catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void close() throws InterruptedException {
            strace.destroy(); // SIGTERM: strace detaches and the server runs on
            if (!strace.waitFor(10, TimeUnit.SECONDS)) {
                strace.destroyForcibly();
                strace.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
