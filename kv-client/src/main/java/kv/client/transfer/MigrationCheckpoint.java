package kv.client.transfer;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Properties;

/**
 * Where a migration stands, saved after each batch that kv has acknowledged: the source, the
 * pattern and the target it is for, the database and SCAN cursor to go on from, and the
 * counts so far. Written to a temporary file and renamed, so it is always a whole one; a run
 * killed at any moment resumes from the last batch saved, and writes again at most the keys of
 * one batch (idempotent SETs: the same state either way).
 *
 * @param cursor the SCAN cursor to continue {@code db} from ("0": start it)
 */
public record MigrationCheckpoint(String source, String match, String target, int db, String cursor, long keys,
                                  long bytes, long errors) {

    /** The checkpoint in {@code file}, or null if there is none. */
    public static MigrationCheckpoint read(Path file) throws IOException {
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(in);
        }
        catch (NoSuchFileException e) {
            return null;
        }
        try {
            return new MigrationCheckpoint(properties.getProperty("source"), properties.getProperty("match", ""),
                    properties.getProperty("target"), Integer.parseInt(properties.getProperty("db")),
                    properties.getProperty("cursor"), Long.parseLong(properties.getProperty("keys")),
                    Long.parseLong(properties.getProperty("bytes")), Long.parseLong(properties.getProperty("errors")));
        }
        catch (RuntimeException e) {
            throw new IOException(file + " is not a migration checkpoint (" + e.getMessage() + "); delete it to start over");
        }
    }

    /** Whether this checkpoint is of the migration described. */
    public boolean isFor(String otherSource, String otherMatch, String otherTarget) {
        return source.equals(otherSource) && match.equals(otherMatch == null ? "" : otherMatch)
                && target.equals(otherTarget);
    }

    public void write(Path file) throws IOException {
        Properties properties = new Properties();
        properties.setProperty("source", source);
        properties.setProperty("match", match);
        properties.setProperty("target", target);
        properties.setProperty("db", Integer.toString(db));
        properties.setProperty("cursor", cursor);
        properties.setProperty("keys", Long.toString(keys));
        properties.setProperty("bytes", Long.toString(bytes));
        properties.setProperty("errors", Long.toString(errors));
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        try (Writer out = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8)) {
            properties.store(out, "kv migrate: where it stands; delete this file to start over");
        }
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
