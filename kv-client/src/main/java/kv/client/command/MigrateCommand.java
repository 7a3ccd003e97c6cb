package kv.client.command;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import kv.client.render.Console;
import kv.client.transfer.KeyRecord;
import kv.client.transfer.KeyScanner;
import kv.client.transfer.KeyWriter;
import kv.client.transfer.MigrationCheckpoint;
import kv.client.transfer.Progress;
import kv.client.transfer.RespPipe;
import kv.client.transfer.TransferConnections;
import kv.client.transfer.TransferOptions;
import org.springframework.shell.core.command.ExitStatus;
import org.springframework.stereotype.Component;

/**
 * {@code migrate --from redis://host:port [--match pattern] [--checkpoint FILE] [--rate n]
 * [--count n]}: copies a live Redis (or kv) into kv: SCAN, then TYPE, PEXPIRETIME and GET or
 * HGETALL for each batch, written with {@link KeyWriter}. Strings and hashes with their expiry
 * times; keys of other types are counted and left out.
 *
 * <p>Resumable: after each batch kv has acknowledged, the SCAN cursor is saved in the
 * checkpoint file ({@link MigrationCheckpoint}; by default
 * {@code kv-migrate-<host>-<port>.checkpoint} in the working directory). A run that finds one
 * for the same source, pattern and target goes on from it; one that completes deletes it.
 * {@code --rate} limits the keys per second read from the source, to spare a busy Redis.
 */
@Component
public class MigrateCommand extends TransferCommand {

    private static final int MAX_SCAN_CALLS = 100_000_000;

    private final TransferConnections connections;

    public MigrateCommand(TransferConnections connections) {
        super("migrate", "Copy a live Redis's strings and hashes, with expiry times, into kv (resumable)",
                "MIGRATE --from redis://host:port [--match pattern] [--checkpoint FILE] [--rate keys/s] [--count n]",
                Set.of("from", "match", "checkpoint", "rate", "count"));
        this.connections = connections;
    }

    @Override
    protected ExitStatus run(TransferOptions options, Console console) throws IOException, InterruptedException {
        String from = options.get("from", null);
        if (from == null || !options.positional().isEmpty()) {
            return usageError(console);
        }
        String source = TransferConnections.shown(from);
        URI uri = TransferConnections.parse(from);
        String match = options.get("match", null);
        long rate = options.number("rate", 0, 0);
        int count = (int) options.number("count", 500, 1);
        Path checkpointFile = Path.of(options.get("checkpoint",
                "kv-migrate-" + uri.getHost() + "-" + (uri.getPort() < 0 ? 6379 : uri.getPort()) + ".checkpoint"));
        String target = connections.kvName();
        MigrationCheckpoint resume = MigrationCheckpoint.read(checkpointFile);
        if (resume != null && !resume.isFor(source, match, target)) {
            throw new IllegalArgumentException(checkpointFile + " is the checkpoint of another migration (" + resume.source()
                    + (resume.match().isEmpty() ? "" : " matching " + resume.match()) + " to " + resume.target()
                    + "); give --checkpoint another file, or delete it");
        }
        if (resume != null) {
            console.note(String.format(Locale.ROOT, "resuming from %s: database %d, SCAN cursor %s, %,d keys migrated before",
                    checkpointFile, resume.db(), resume.cursor(), resume.keys()));
        }
        PrintWriter err = progressOutput();
        long before = resume == null ? 0 : resume.keys();
        long errors = resume == null ? 0 : resume.errors();
        long bytesBefore = resume == null ? 0 : resume.bytes();
        Map<String, Long> skipped = new TreeMap<>();
        KeyWriter writer;
        Progress progress;
        try (RespPipe sourcePipe = connections.source(from); RespPipe kv = connections.kv()) {
            KeyScanner scanner = new KeyScanner(sourcePipe, match, count);
            writer = new KeyWriter(kv, count, KeyWriter.databases(kv));
            Map<Integer, Long> databases = scanner.databases();
            progress = new Progress(err, "migrated", Progress.onTerminal(),
                    databases.values().stream().mapToLong(Long::longValue).sum(), 5000, System::nanoTime);
            long read = 0;
            int reported = 0;
            for (int db : databases.keySet()) {
                if (resume != null && db < resume.db()) {
                    continue;
                }
                String cursor = resume != null && db == resume.db() ? resume.cursor() : "0";
                for (int call = 0; call < MAX_SCAN_CALLS; call++) {
                    KeyScanner.Batch batch = scanner.next(db, cursor);
                    for (KeyRecord record : batch.records()) {
                        writer.add(record, read + 1);
                        read++;
                    }
                    writer.sync();
                    for (; reported < writer.failures().size(); reported++) {
                        KeyWriter.Failure failure = writer.failures().get(reported);
                        console.error("kv refused key " + new String(failure.key(), StandardCharsets.UTF_8) + ": "
                                + failure.error());
                    }
                    batch.skippedTypes().forEach((type, n) -> skipped.merge(type, n, Long::sum));
                    cursor = batch.nextCursor();
                    new MigrationCheckpoint(source, match == null ? "" : match, target, db, cursor,
                            before + writer.written(), bytesBefore + writer.bytes(),
                            errors + writer.failures().size()).write(checkpointFile);
                    progress.update(before + read, writer.written());
                    throttle(rate, read, progress);
                    if (cursor.equals("0")) {
                        break;
                    }
                }
            }
        }
        progress.done();
        Files.deleteIfExists(checkpointFile);
        long failed = writer.failures().size();
        console.note(String.format(Locale.ROOT, "migrated %,d keys from %s to kv at %s%s: %s of data, %,d errors%s, %s",
                before + writer.written(), source, target,
                resume == null ? "" : String.format(Locale.ROOT, " (%,d in this run, resumed)", writer.written()),
                size(bytesBefore + writer.bytes()), errors + failed,
                writer.expired() > 0 ? String.format(Locale.ROOT, ", %,d expired on the way", writer.expired()) : "",
                timing(writer.written(), progress.elapsedSeconds())));
        if (!skipped.isEmpty()) {
            console.error("left out keys of types kv does not have: " + skipped);
        }
        return errors + failed == 0 ? Outcomes.OK : Outcomes.ERROR_REPLY;
    }

    /** Sleeps as long as it takes to stay at or under {@code rate} keys a second (0: no limit). */
    private static void throttle(long rate, long read, Progress progress) throws InterruptedException {
        if (rate <= 0) {
            return;
        }
        double ahead = read / (double) rate - progress.elapsedSeconds();
        if (ahead > 0) {
            Thread.sleep((long) Math.min(60_000, ahead * 1000));
        }
    }
}
