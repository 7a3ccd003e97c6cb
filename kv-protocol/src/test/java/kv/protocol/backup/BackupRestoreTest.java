package kv.protocol.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A backup's manifest, and restoring only what is whole into only what is empty. */
class BackupRestoreTest {

    @TempDir
    Path dir;

    Path backup;

    @BeforeEach
    void aBackupOfTwoFiles() throws Exception {
        backup = dir.resolve("backup");
        Files.createDirectories(backup.resolve("sub"));
        Files.writeString(backup.resolve("CURRENT"), "MANIFEST-000001\n");
        Files.write(backup.resolve("sub/000007.sst"), new byte[] {0, 1, 2, (byte) 0xff});
        BackupManifest.of(backup, 1_764_657_000_123L).writeTo(backup);
    }

    @Test
    void aCompleteBackupIsRestoredFileForFileWithoutItsManifest() throws Exception {
        BackupRestore.Restored restored = BackupRestore.restore(backup, dir.resolve("data"));
        assertThat(restored.manifest().files()).hasSize(2);
        assertThat(restored.manifest().createdMillis()).isEqualTo(1_764_657_000_123L);
        assertThat(Files.readString(dir.resolve("data/CURRENT"))).isEqualTo("MANIFEST-000001\n");
        assertThat(Files.readAllBytes(dir.resolve("data/sub/000007.sst"))).containsExactly(0, 1, 2, 0xff);
        assertThat(Files.exists(dir.resolve("data").resolve(BackupManifest.NAME))).isFalse();
        assertThat(Files.exists(dir.resolve("data.restoring"))).isFalse();
    }

    @Test
    void anEmptyDataDirectoryIsRestoredIntoButANonEmptyOneIsRefused() throws Exception {
        Files.createDirectories(dir.resolve("empty"));
        assertThat(BackupRestore.restore(backup, dir.resolve("empty")).manifest().files()).hasSize(2);

        Files.createDirectories(dir.resolve("used"));
        Files.writeString(dir.resolve("used/keep-me"), "someone's data");
        assertThatThrownBy(() -> BackupRestore.restore(backup, dir.resolve("used")))
                .isInstanceOf(DirectoryNotEmptyException.class);
        assertThat(Files.readString(dir.resolve("used/keep-me"))).isEqualTo("someone's data");
    }

    @Test
    void aBackupWithoutItsManifestIsIncompleteAndNothingIsLeftBehind() throws Exception {
        Files.delete(backup.resolve(BackupManifest.NAME));
        assertThatThrownBy(() -> BackupRestore.restore(backup, dir.resolve("data")))
                .isInstanceOf(IncompleteBackupException.class).hasMessageContaining("did not finish");
        assertThat(Files.exists(dir.resolve("data"))).isFalse();
    }

    @Test
    void aCutOffManifestIsIncomplete() throws Exception {
        Path manifest = backup.resolve(BackupManifest.NAME);
        String text = Files.readString(manifest);
        Files.writeString(manifest, text.substring(0, text.indexOf("end ")));
        assertThatThrownBy(() -> BackupManifest.read(backup)).isInstanceOf(IncompleteBackupException.class)
                .hasMessageContaining("cut off");
    }

    @Test
    void aDamagedOrMissingFileIsFoundAndNothingIsLeftBehind() throws Exception {
        Files.write(backup.resolve("sub/000007.sst"), new byte[] {0, 1, 2, 3});
        assertThatThrownBy(() -> BackupRestore.restore(backup, dir.resolve("data")))
                .isInstanceOf(IncompleteBackupException.class).hasMessageContaining("sub/000007.sst");
        assertThat(Files.exists(dir.resolve("data"))).isFalse();
        assertThat(Files.exists(dir.resolve("data.restoring"))).isFalse();

        Files.delete(backup.resolve("CURRENT"));
        assertThatThrownBy(() -> BackupManifest.read(backup).verify(backup))
                .isInstanceOf(IncompleteBackupException.class).hasMessageContaining("lacks CURRENT");
    }

    @Test
    void theManifestIsPlainTextOneFactALine() throws Exception {
        assertThat(Files.readString(backup.resolve(BackupManifest.NAME), StandardCharsets.UTF_8))
                .startsWith("kv-backup 1\ncreated 1764657000123\nfile CURRENT 16 ")
                .contains("\nfile sub/000007.sst 4 ").endsWith("end 2\n");
    }
}
