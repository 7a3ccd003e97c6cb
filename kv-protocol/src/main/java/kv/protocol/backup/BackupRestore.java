package kv.protocol.backup;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * Restores a kv backup into a fresh data directory, for a kv-server to be started on: the
 * manifest is read first ({@link BackupManifest}), each file is copied and checked against its
 * size and CRC-32C as it is copied, the copies are synced to disk, and only then does the data
 * directory get its name (the files go to a sibling {@code <dir>.restoring} first). So an
 * interrupted or failed restore never leaves a data directory a server would start on.
 *
 * <p>A data directory that exists and is not empty is refused: a restore never mixes a backup
 * with other data, nor replaces data someone may still need.
 */
public final class BackupRestore {

    /** What was restored. */
    public record Restored(BackupManifest manifest, Path dataDir) {
    }

    private BackupRestore() {
    }

    /**
     * @throws IncompleteBackupException if the backup is not whole (nothing is left behind)
     * @throws DirectoryNotEmptyException if {@code dataDir} holds anything
     */
    public static Restored restore(Path backupDir, Path dataDir) throws IOException {
        Path target = dataDir.toAbsolutePath().normalize();
        if (!Files.isDirectory(backupDir)) {
            throw new IncompleteBackupException(backupDir + " is not a directory");
        }
        BackupManifest manifest = BackupManifest.read(backupDir);
        if (Files.exists(target)) {
            if (!Files.isDirectory(target) || !isEmpty(target)) {
                throw new DirectoryNotEmptyException(target + " (restore only into a new or empty directory)");
            }
        }
        Path staging = target.resolveSibling(target.getFileName() + ".restoring");
        deleteTree(staging);
        Files.createDirectories(staging);
        try {
            for (BackupManifest.FileEntry file : manifest.files()) {
                copyChecked(backupDir.resolve(file.path()), staging.resolve(file.path()), file);
            }
            syncDirectory(staging);
            Files.deleteIfExists(target); // empty, checked above
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            syncDirectory(target.getParent());
        }
        catch (IOException | RuntimeException e) {
            deleteTree(staging);
            throw e;
        }
        return new Restored(manifest, target);
    }

    private static void copyChecked(Path source, Path copy, BackupManifest.FileEntry expected) throws IOException {
        if (!Files.isRegularFile(source)) {
            throw new IncompleteBackupException("the backup lacks " + expected.path());
        }
        Files.createDirectories(copy.getParent());
        CRC32C crc = new CRC32C();
        long size = 0;
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(source);
             FileChannel channel = FileChannel.open(copy, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
             OutputStream out = java.nio.channels.Channels.newOutputStream(channel)) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                crc.update(buffer, 0, n);
                out.write(buffer, 0, n);
                size += n;
            }
            out.flush();
            channel.force(true);
        }
        if (size != expected.size() || crc.getValue() != expected.crc32c()) {
            throw new IncompleteBackupException(expected.path() + " differs from the backup's " + BackupManifest.NAME
                    + " (" + size + " bytes, expected " + expected.size() + "): the backup is damaged");
        }
    }

    private static boolean isEmpty(Path directory) throws IOException {
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.findAny().isEmpty();
        }
    }

    private static void syncDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        }
        catch (IOException e) {
            // Some file systems cannot sync a directory; the files themselves are synced.
        }
    }

    /** Deletes {@code root} and everything under it, if it exists. */
    public static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path path : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(path);
            }
        }
    }
}
