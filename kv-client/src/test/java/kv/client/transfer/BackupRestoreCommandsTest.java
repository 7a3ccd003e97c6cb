package kv.client.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import kv.client.KvServers;
import kv.server.testing.KvServerProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * {@code kv backup DIR} and {@code kv restore DIR DATA_DIR} as an operator runs them, client
 * JVMs against a real kv-server: the backup waits and reports, the restore checks and copies,
 * and a server started on the restored data holds the same keyspace; a restore into a data
 * directory in use, or from a directory that is not a backup, is refused.
 */
class BackupRestoreCommandsTest {

    @TempDir
    Path workDir;

    @Test
    void aBackupRestoredIntoANewDataDirectoryServesTheSameKeyspace() throws Exception {
        Map<String, String> original;
        Path backup = workDir.resolve("backup");
        try (KvServerProcess server = KvServerProcess.start(workDir.resolve("live"), KvServers.WITHOUT_THE_SHELL);
             Jedis jedis = new Jedis("127.0.0.1", server.port(), 20_000)) {
            Keyspaces.load(jedis, 900, 3);
            original = Keyspaces.read(jedis);

            ClientProcess.Run run = ClientProcess.run(workDir, server.port(), "backup", "backup");
            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.out()).startsWith("backup written to " + backup + ": ").contains(" files, ");
            assertThat(run.err()).contains("restore it with: kv restore " + backup);

            ClientProcess.Run again = ClientProcess.run(workDir, server.port(), "backup", "backup");
            assertThat(again.exitCode()).isEqualTo(1);
            assertThat(again.err()).contains("exists and is not an empty directory");
        }

        ClientProcess.Run restore = ClientProcess.run(workDir, 1, "restore", "backup", "restored/data");
        assertThat(restore.exitCode()).as(restore.toString()).isZero();
        assertThat(restore.out()).contains("into " + workDir.resolve("restored/data"), "checked");
        try (KvServerProcess server = KvServerProcess.start(workDir.resolve("restored"), KvServers.WITHOUT_THE_SHELL);
             Jedis jedis = new Jedis("127.0.0.1", server.port(), 20_000)) {
            assertThat(Keyspaces.read(jedis)).isEqualTo(original);
        }

        ClientProcess.Run intoUsed = ClientProcess.run(workDir, 1, "restore", "backup", "restored/data");
        assertThat(intoUsed.exitCode()).isEqualTo(1);
        assertThat(intoUsed.err()).contains("not restored: the data directory is not empty");

        Files.createDirectories(workDir.resolve("not-a-backup"));
        ClientProcess.Run notABackup = ClientProcess.run(workDir, 1, "restore", "not-a-backup", "other");
        assertThat(notABackup.exitCode()).isEqualTo(1);
        assertThat(notABackup.err()).contains("not restored: ", "holds no KV-BACKUP file");
        assertThat(workDir.resolve("other")).doesNotExist();
    }
}
