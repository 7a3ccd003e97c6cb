package kv.server.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import kv.protocol.backup.BackupManifest;
import kv.server.testing.KvServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * BGSAVE, SAVE, LASTSAVE, BACKUP and INFO's persistence fields as a Redis client sees them
 * (Jedis, over TCP, a real kv-server): Redis 7.0's replies and errors, kv's directories.
 */
class PersistenceCommandsTest {

    @TempDir
    static Path workDir;

    static KvServerProcess server;

    @BeforeAll
    static void start() throws Exception {
        server = KvServerProcess.start(workDir, "--kv.server.backup-dir=" + workDir.resolve("backups"));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    private static Jedis jedis() {
        return new Jedis("127.0.0.1", server.port(), 20_000);
    }

    @Test
    void saveWritesACompleteBackupUnderTheBackupDirAndMovesLastsave() throws Exception {
        try (Jedis jedis = jedis()) {
            long before = jedis.lastsave();
            assertThat(before).isCloseTo(System.currentTimeMillis() / 1000, org.assertj.core.data.Offset.offset(600L));
            jedis.set("k", "v");
            assertThat(jedis.info("persistence")).contains("rdb_changes_since_last_save:");
            assertThat(jedis.save()).isEqualTo("OK");
            String info = jedis.info("persistence");
            assertThat(info).contains("rdb_bgsave_in_progress:0", "rdb_last_bgsave_status:ok",
                    "rdb_changes_since_last_save:0", "kv_backup_dir:" + workDir.resolve("backups"));
            assertThat(jedis.lastsave()).isGreaterThanOrEqualTo(before);
            Path last = Path.of(field(info, "kv_last_backup_dir"));
            assertThat(last.getParent()).isEqualTo(workDir.resolve("backups"));
            BackupManifest.read(last).verify(last);
        }
    }

    @Test
    void bgsaveStartsInTheBackgroundAndTakesOnlyTheScheduleWord() throws Exception {
        try (Jedis jedis = jedis()) {
            assertThat(jedis.bgsave()).isEqualTo("Background saving started");
            awaitIdle(jedis);
            assertThat(jedis.bgsaveSchedule()).isEqualTo("Background saving started");
            awaitIdle(jedis);
            assertThatThrownBy(() -> jedis.sendCommand(() -> bytes("BGSAVE"), bytes("later")))
                    .isInstanceOf(JedisDataException.class).hasMessage("ERR syntax error");
        }
    }

    @Test
    void insideMultiBgsaveIsScheduledAndSaveIsRefused() throws Exception {
        try (Jedis jedis = jedis()) {
            assertThat(send(jedis, "MULTI")).isEqualTo("OK");
            assertThat(send(jedis, "SET", "in-multi", "1")).isEqualTo("QUEUED");
            assertThat(send(jedis, "BGSAVE")).isEqualTo("QUEUED");
            @SuppressWarnings("unchecked")
            List<Object> results = (List<Object>) jedis.sendCommand(() -> bytes("EXEC"));
            assertThat(results).map(reply -> new String((byte[]) reply, StandardCharsets.UTF_8))
                    .containsExactly("OK", "Background saving scheduled");
            awaitIdle(jedis);
            Path last = Path.of(field(jedis.info("persistence"), "kv_last_backup_dir"));
            assertThat(Files.exists(last.resolve(BackupManifest.NAME))).isTrue();

            assertThat(send(jedis, "MULTI")).isEqualTo("OK");
            assertThatThrownBy(() -> send(jedis, "SAVE"))
                    .isInstanceOf(JedisDataException.class).hasMessage("ERR Command not allowed inside a transaction");
            assertThat(send(jedis, "DISCARD")).isEqualTo("OK");
        }
    }

    @Test
    void backupNamesItsDirectoryAndRefusesOneThatHoldsFiles() throws Exception {
        try (Jedis jedis = jedis()) {
            Path target = workDir.resolve("named");
            assertThat(backup(jedis, target.toString())).isEqualTo("Background saving started");
            awaitIdle(jedis);
            assertThat(field(jedis.info("persistence"), "kv_last_backup_dir")).isEqualTo(target.toString());
            BackupManifest.read(target).verify(target);

            assertThatThrownBy(() -> backup(jedis, target.toString())).isInstanceOf(JedisDataException.class)
                    .hasMessage("ERR " + target + " exists and is not an empty directory");

            assertThat(backup(jedis, "relative")).isEqualTo("Background saving started");
            awaitIdle(jedis);
            assertThat(workDir.resolve("backups/relative").resolve(BackupManifest.NAME)).exists();
        }
    }

    @Test
    void aBackupThatCannotBeWrittenFailsInInfoAndLeavesNothing() throws Exception {
        try (Jedis jedis = jedis()) {
            Path blocker = workDir.resolve("a-file");
            Files.writeString(blocker, "not a directory");
            assertThat(backup(jedis, blocker.resolve("below").toString())).isEqualTo("Background saving started");
            awaitIdle(jedis);
            String info = jedis.info("persistence");
            assertThat(info).contains("rdb_last_bgsave_status:err");
            assertThat(field(info, "kv_last_backup_error")).isNotEmpty();
            assertThat(jedis.save()).isEqualTo("OK"); // and the next one works
            assertThat(jedis.info("persistence")).contains("rdb_last_bgsave_status:ok");
        }
        try (Stream<Path> backups = Files.list(workDir.resolve("backups"))) {
            assertThat(backups).allMatch(dir -> Files.exists(dir.resolve(BackupManifest.NAME)));
        }
    }

    private static String backup(Jedis jedis, String dir) {
        return new String((byte[]) jedis.sendCommand(() -> bytes("BACKUP"), bytes(dir)), StandardCharsets.UTF_8);
    }

    private static String send(Jedis jedis, String... words) {
        byte[][] args = new byte[words.length - 1][];
        for (int i = 1; i < words.length; i++) {
            args[i - 1] = bytes(words[i]);
        }
        return new String((byte[]) jedis.sendCommand(() -> bytes(words[0]), args), StandardCharsets.UTF_8);
    }

    private static void awaitIdle(Jedis jedis) throws InterruptedException {
        for (int poll = 0; poll < 600 && jedis.info("persistence").contains("rdb_bgsave_in_progress:1"); poll++) {
            Thread.sleep(50);
        }
    }

    private static String field(String info, String name) {
        return info.lines().filter(line -> line.startsWith(name + ":")).map(line -> line.substring(name.length() + 1))
                .findFirst().orElseThrow();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
