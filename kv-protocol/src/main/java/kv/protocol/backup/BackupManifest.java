package kv.protocol.backup;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * The list of a backup's files that kv-server writes last into a backup directory, and that
 * {@code kv restore} checks before it copies anything: a directory without it, or whose files
 * differ from it in name, size or CRC-32C, is not a complete backup.
 *
 * <p>The file is plain text, one fact a line, so a person can read it:
 * <pre>
 * kv-backup 1
 * created 1764657000123
 * file 000012.sst 123456 0a1b2c3d
 * file CURRENT 16 5e6f7a8b
 * end 2
 * </pre>
 * ({@code created}: when the backup's consistent point was taken, ms since the epoch; each
 * {@code file}: its path inside the directory, size in bytes and CRC-32C in hex; {@code end}:
 * how many files, so a cut-off manifest is told from a whole one).
 *
 * <p>Design note: the backup itself is a RocksDB checkpoint, which is an ordinary RocksDB
 * directory; the manifest adds what a checkpoint lacks, a mark that it is finished and a check
 * of its bytes that needs no RocksDB library (kv-client has none).
 */
public record BackupManifest(long createdMillis, List<FileEntry> files) {

    /** The manifest's name inside a backup directory. */
    public static final String NAME = "KV-BACKUP";
    private static final String HEADER = "kv-backup 1";

    /** One file of the backup: its path relative to the directory, size and CRC-32C. */
    public record FileEntry(String path, long size, long crc32c) {
    }

    /** Lists and checksums every file under {@code directory} (the manifest itself excluded). */
    public static BackupManifest of(Path directory, long createdMillis) throws IOException {
        List<FileEntry> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(directory)) {
            for (Path file : (Iterable<Path>) walk.filter(Files::isRegularFile).sorted()::iterator) {
                String relative = directory.relativize(file).toString().replace('\\', '/');
                if (!relative.equals(NAME)) {
                    files.add(new FileEntry(relative, Files.size(file), crc32c(file)));
                }
            }
        }
        return new BackupManifest(createdMillis, List.copyOf(files));
    }

    /** Writes the manifest into {@code directory}, atomically (a temporary file renamed into place). */
    public void writeTo(Path directory) throws IOException {
        StringBuilder text = new StringBuilder(HEADER).append('\n');
        text.append("created ").append(createdMillis).append('\n');
        for (FileEntry file : files) {
            text.append("file ").append(file.path()).append(' ').append(file.size()).append(' ')
                    .append(Long.toHexString(file.crc32c())).append('\n');
        }
        text.append("end ").append(files.size()).append('\n');
        Path temporary = directory.resolve(NAME + ".tmp");
        Files.writeString(temporary, text, StandardCharsets.UTF_8);
        try (var channel = java.nio.channels.FileChannel.open(temporary, java.nio.file.StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        Files.move(temporary, directory.resolve(NAME), StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Reads the manifest of the backup in {@code directory}.
     *
     * @throws IncompleteBackupException if there is none, or it is cut off or malformed
     */
    public static BackupManifest read(Path directory) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(directory.resolve(NAME), StandardCharsets.UTF_8);
        }
        catch (NoSuchFileException e) {
            throw new IncompleteBackupException(directory + " holds no " + NAME
                    + " file: not a kv backup, or one that did not finish");
        }
        if (lines.isEmpty() || !lines.get(0).equals(HEADER)) {
            throw new IncompleteBackupException(directory.resolve(NAME) + " does not start with '" + HEADER + "'");
        }
        long created = -1;
        List<FileEntry> files = new ArrayList<>();
        boolean ended = false;
        for (int i = 1; i < lines.size(); i++) {
            String[] words = lines.get(i).split(" ");
            try {
                switch (words[0]) {
                    case "created" -> created = Long.parseLong(words[1]);
                    case "file" -> files.add(new FileEntry(words[1], Long.parseLong(words[2]),
                            Long.parseLong(words[3], 16)));
                    case "end" -> ended = Integer.parseInt(words[1]) == files.size();
                    default -> throw new IncompleteBackupException("line " + (i + 1) + " of " + NAME
                            + " is not understood: " + lines.get(i));
                }
            }
            catch (ArrayIndexOutOfBoundsException | NumberFormatException e) {
                throw new IncompleteBackupException("line " + (i + 1) + " of " + NAME + " is malformed: " + lines.get(i));
            }
        }
        if (!ended || created < 0) {
            throw new IncompleteBackupException(directory.resolve(NAME) + " is cut off (no 'end' line matching its files)");
        }
        return new BackupManifest(created, List.copyOf(files));
    }

    /**
     * Checks that every file the manifest lists is in {@code directory} with its size and
     * checksum.
     *
     * @throws IncompleteBackupException naming the first file that is missing or differs
     */
    public void verify(Path directory) throws IOException {
        for (FileEntry file : files) {
            Path path = directory.resolve(file.path());
            if (!Files.isRegularFile(path)) {
                throw new IncompleteBackupException("the backup lacks " + file.path());
            }
            if (Files.size(path) != file.size()) {
                throw new IncompleteBackupException(file.path() + " is " + Files.size(path) + " bytes, the backup's "
                        + NAME + " says " + file.size());
            }
            if (crc32c(path) != file.crc32c()) {
                throw new IncompleteBackupException(file.path() + " does not match its checksum: the backup is damaged");
            }
        }
    }

    /** The files' bytes together. */
    public long bytes() {
        return files.stream().mapToLong(FileEntry::size).sum();
    }

    public Instant created() {
        return Instant.ofEpochMilli(createdMillis);
    }

    /** The CRC-32C of a file's bytes. */
    public static long crc32c(Path file) throws IOException {
        CRC32C crc = new CRC32C();
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                crc.update(buffer, 0, n);
            }
        }
        return crc.getValue();
    }
}
