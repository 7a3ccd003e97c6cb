package kv.client.command;

import java.io.BufferedReader;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import kv.client.render.Console;
import kv.client.transfer.BadLineException;
import kv.client.transfer.ExportFormat;
import kv.client.transfer.KeyRecord;
import kv.client.transfer.KeyWriter;
import kv.client.transfer.Progress;
import kv.client.transfer.RespPipe;
import kv.client.transfer.TransferConnections;
import kv.client.transfer.TransferOptions;
import org.springframework.shell.core.command.ExitStatus;
import org.springframework.stereotype.Component;

/**
 * {@code import [--on-error abort|skip] [--batch n] FILE}: writes the keys of an export file
 * into kv, pipelined (see {@link KeyWriter}), reading one line at a time. A bad line, or a key
 * kv refuses, is reported with its line number. With {@code --on-error abort} (the default)
 * the import stops there: every line before it is imported, and the lines already sent with it
 * (at most two batches) are too where kv accepted them; the summary names the last line sent,
 * and nothing after it is written. Each key is written whole or not at all, never half a hash.
 * With {@code skip} it goes on, and the summary counts what it skipped. {@code -} reads stdin.
 */
@Component
public class ImportCommand extends TransferCommand {

    private final TransferConnections connections;

    public ImportCommand(TransferConnections connections) {
        super("import", "Write the keys of an export file into kv", "IMPORT [--on-error abort|skip] [--batch n] FILE",
                Set.of("on-error", "batch"));
        this.connections = connections;
    }

    @Override
    protected ExitStatus run(TransferOptions options, Console console) throws IOException {
        if (options.positional().size() != 1) {
            return usageError(console);
        }
        String file = options.positional().get(0);
        String onError = options.get("on-error", "abort");
        if (!onError.equals("abort") && !onError.equals("skip")) {
            throw new IllegalArgumentException("--on-error is abort or skip, not '" + onError + "'");
        }
        boolean abort = onError.equals("abort");
        int batchSize = (int) options.number("batch", 500, 1);
        long total;
        InputStream raw;
        try {
            raw = file.equals("-") ? System.in : Files.newInputStream(Path.of(file));
            total = file.equals("-") ? 0 : Files.size(Path.of(file));
        }
        catch (NoSuchFileException e) {
            console.error("no such file: " + file);
            return Outcomes.USAGE;
        }
        Counting counted = new Counting(raw);
        PrintWriter err = progressOutput();
        Progress progress = new Progress(err, "imported", Progress.onTerminal(), total, 5000, System::nanoTime);
        long line = 0;
        long badLines = 0;
        long stoppedAt = -1;
        KeyWriter writer;
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(counted, StandardCharsets.ISO_8859_1), 1 << 16);
             RespPipe pipe = connections.kv()) {
            writer = new KeyWriter(pipe, batchSize, KeyWriter.databases(pipe));
            int reported = 0;
            String text = lines.readLine();
            line = 1;
            if (text == null || !text.equals(ExportFormat.HEADER)) {
                console.error(file + " line 1: not a kv export file (its first line must be '" + ExportFormat.HEADER + "')");
                return Outcomes.USAGE;
            }
            while (stoppedAt < 0 && (text = lines.readLine()) != null) {
                line++;
                try {
                    KeyRecord record = ExportFormat.parse(text);
                    if (record != null) {
                        writer.add(record, line);
                    }
                }
                catch (BadLineException e) {
                    badLines++;
                    console.error(file + " line " + line + ": " + e.getMessage());
                    if (abort) {
                        stoppedAt = line;
                    }
                }
                reported = report(writer, reported, file, console);
                if (abort && reported > 0 && stoppedAt < 0) {
                    stoppedAt = writer.failures().get(0).line();
                }
                progress.update(counted.count, writer.written());
            }
            writer.sync();
            report(writer, reported, file, console);
            if (abort && stoppedAt < 0 && !writer.failures().isEmpty()) {
                stoppedAt = writer.failures().get(0).line();
            }
        }
        progress.done();
        long errors = badLines + writer.failures().size();
        console.note(String.format(Locale.ROOT, "imported %,d keys from %s: %s read, %s of data, %,d errors%s, %s",
                writer.written(), file, size(counted.count), size(writer.bytes()), errors,
                writer.expired() > 0 ? String.format(Locale.ROOT, ", %,d keys left out as already expired", writer.expired()) : "",
                timing(writer.written(), progress.elapsedSeconds())));
        if (stoppedAt >= 0) {
            console.error(String.format(Locale.ROOT, "aborted at line %d: every line before it is imported%s; nothing after "
                    + "line %d is (--on-error skip goes on past bad lines)", stoppedAt,
                    writer.lastSentLine() > stoppedAt ? ", and so are the lines up to " + writer.lastSentLine()
                            + " that were already sent, but those with an error above" : "",
                    Math.max(writer.lastSentLine(), stoppedAt - 1)));
        }
        return errors == 0 ? Outcomes.OK : Outcomes.ERROR_REPLY;
    }

    /** Reports the failures not reported yet; returns how many have been. */
    private static int report(KeyWriter writer, int reported, String file, Console console) {
        List<KeyWriter.Failure> failures = writer.failures();
        for (int i = reported; i < failures.size(); i++) {
            KeyWriter.Failure failure = failures.get(i);
            console.error(file + " line " + failure.line() + ": kv refused key "
                    + new String(failure.key(), StandardCharsets.UTF_8) + ": " + failure.error());
        }
        return failures.size();
    }

    /** Counts the bytes read, for the progress of a file of known size. */
    private static final class Counting extends FilterInputStream {
        long count;

        Counting(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                count += n;
            }
            return n;
        }
    }
}
