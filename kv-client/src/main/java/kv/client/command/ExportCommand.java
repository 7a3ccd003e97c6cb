package kv.client.command;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import kv.client.render.Console;
import kv.client.transfer.ExportFormat;
import kv.client.transfer.KeyRecord;
import kv.client.transfer.KeyScanner;
import kv.client.transfer.Progress;
import kv.client.transfer.RespPipe;
import kv.client.transfer.TransferConnections;
import kv.client.transfer.TransferOptions;
import org.springframework.shell.core.command.ExitStatus;
import org.springframework.stereotype.Component;

/**
 * {@code export [--match pattern] [--count n] FILE}: every key of every database (or those
 * matching the pattern) into a file in kv's export format (docs/export-format.md), read with
 * SCAN a batch at a time, so memory stays the same however many keys there are. The file is
 * written as {@code FILE.part} and renamed when complete: a {@code FILE} is always whole.
 * {@code -} writes to stdout.
 */
@Component
public class ExportCommand extends TransferCommand {

    /** SCAN ends long before this; the bound keeps a misbehaving server from looping us. */
    private static final int MAX_SCAN_CALLS = 100_000_000;

    private final TransferConnections connections;

    public ExportCommand(TransferConnections connections) {
        super("export", "Write kv's keys (strings, hashes, expiry times, databases) to a file",
                "EXPORT [--match pattern] [--count n] FILE", Set.of("match", "count"));
        this.connections = connections;
    }

    /** Stdout, which the export's end flushes but must not close (the summary and the shell still write). */
    private static java.io.OutputStream unclosable(java.io.OutputStream out) {
        return new java.io.FilterOutputStream(out) {
            @Override
            public void write(byte[] bytes, int offset, int length) throws IOException {
                out.write(bytes, offset, length);
            }

            @Override
            public void close() throws IOException {
                flush();
            }
        };
    }

    @Override
    protected ExitStatus run(TransferOptions options, Console console) throws IOException {
        if (options.positional().size() != 1) {
            return usageError(console);
        }
        String file = options.positional().get(0);
        String match = options.get("match", null);
        int count = (int) options.number("count", 500, 1);
        boolean toStdout = file.equals("-");
        Path target = toStdout ? null : Path.of(file).toAbsolutePath();
        Path part = toStdout ? null : target.resolveSibling(target.getFileName() + ".part");
        PrintWriter err = progressOutput();
        long keys = 0;
        long bytes = 0;
        long scanned = 0;
        long hashes = 0;
        Map<String, Long> skipped = new TreeMap<>();
        Progress progress;
        try (RespPipe pipe = connections.kv();
             Writer out = toStdout ? new BufferedWriter(new OutputStreamWriter(unclosable(System.out), StandardCharsets.ISO_8859_1), 1 << 16)
                     : Files.newBufferedWriter(part, StandardCharsets.ISO_8859_1)) {
            KeyScanner scanner = new KeyScanner(pipe, match, count);
            Map<Integer, Long> databases = scanner.databases();
            long total = databases.values().stream().mapToLong(Long::longValue).sum();
            progress = new Progress(err, "exported", Progress.onTerminal(), total, 5000, System::nanoTime);
            out.write(ExportFormat.HEADER + "\n");
            out.write("# from " + connections.kvName() + " at " + Instant.now()
                    + (match == null ? "" : ", keys matching " + match) + "\n");
            for (int db : databases.keySet()) {
                String cursor = "0";
                for (int call = 0; call < MAX_SCAN_CALLS; call++) {
                    KeyScanner.Batch batch = scanner.next(db, cursor);
                    for (KeyRecord record : batch.records()) {
                        ExportFormat.write(record, out);
                        keys++;
                        bytes += record.bytes();
                        hashes += record.type() == KeyRecord.Type.HASH ? 1 : 0;
                    }
                    batch.skippedTypes().forEach((type, n) -> skipped.merge(type, n, Long::sum));
                    scanned += batch.records().size();
                    progress.update(scanned, keys);
                    cursor = batch.nextCursor();
                    if (cursor.equals("0")) {
                        break;
                    }
                }
            }
            out.flush();
        }
        catch (IOException e) {
            if (part != null) {
                Files.deleteIfExists(part);
            }
            throw e;
        }
        if (!toStdout) {
            Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        progress.done();
        console.note(String.format(java.util.Locale.ROOT, "exported %,d keys (%,d strings, %,d hashes) to %s: %s of data, "
                        + "%s file, 0 errors, %s", keys, keys - hashes, hashes, toStdout ? "stdout" : file, size(bytes),
                toStdout ? "-" : size(Files.size(target)), timing(keys, progress.elapsedSeconds())));
        if (!skipped.isEmpty()) {
            console.error("left out keys of types kv does not have: " + skipped);
        }
        return Outcomes.OK;
    }
}
