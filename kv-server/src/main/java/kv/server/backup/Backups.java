package kv.server.backup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import jakarta.annotation.PreDestroy;
import kv.protocol.backup.BackupManifest;
import kv.server.config.BackupProperties;
import kv.server.store.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Online backups of the whole store, one at a time, each on a thread of its own (Redis's
 * BGSAVE child): {@link #start} returns at once, {@link #state} says how the last one went,
 * for LASTSAVE and INFO's {@code # Persistence}.
 *
 * <p>A backup is a directory: a RocksDB checkpoint (see {@link KeyValueStore#checkpoint}), a
 * consistent copy of every database as of the moment the backup started, and then a
 * {@link BackupManifest} written last, which marks it complete and lets {@code kv restore}
 * check every file. A backup that fails leaves no directory behind.
 *
 * <p>Design note: why a checkpoint and not RocksDB's BackupEngine. A checkpoint is an
 * ordinary RocksDB directory: it is taken in the time of a memtable flush whatever the data's
 * size (its table files are hard links where the backup is on the data's file system), and it
 * is restored by copying files, which kv-client does without a RocksDB library. BackupEngine
 * would add incremental backups sharing files, at the price of its own opaque layout, which only
 * RocksDB itself can restore. Copying a backup off the machine (the hard links make it cheap,
 * not safe from the disk's loss) is the operator's step, as for Redis's dump.rdb.
 *
 * <p>In cluster mode a backup is of this node's applied state.
 */
@Component
public class Backups {

    private static final Logger log = LoggerFactory.getLogger(Backups.class);
    private static final DateTimeFormatter NAMES = DateTimeFormatter.ofPattern("'kv-'yyyyMMdd'-'HHmmss'.'SSS")
            .withZone(ZoneOffset.UTC);

    /** What {@link #start} did. */
    public enum Start { STARTED, ALREADY_RUNNING }

    /**
     * Where backups stand.
     *
     * @param inProgress whether one is running now
     * @param lastSaveMillis when the last successful backup's point was taken (the server's start before any)
     * @param lastOk whether the last backup that finished succeeded (true before any)
     * @param lastDurationMillis how long it took (-1 before any)
     * @param currentStartMillis when the running one started (-1 if none)
     * @param saves how many backups succeeded since the start
     * @param lastDirectory the directory of the last backup started (null before any)
     * @param lastError why the last backup failed (null if it did not)
     * @param writesAtLastSave the write count given to the last successful backup's start
     */
    public record State(boolean inProgress, long lastSaveMillis, boolean lastOk, long lastDurationMillis,
                        long currentStartMillis, long saves, Path lastDirectory, String lastError,
                        long writesAtLastSave) {
    }

    private final KeyValueStore store;
    private final BackupProperties properties;
    private final Clock clock;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "kv-backup");
        thread.setDaemon(true);
        return thread;
    });
    private State state;

    public Backups(KeyValueStore store, BackupProperties properties, Clock clock) {
        this.store = store;
        this.properties = properties;
        this.clock = clock;
        this.state = new State(false, clock.millis(), true, -1, -1, 0, null, null, 0);
    }

    /** The directory BGSAVE writes its backups under. */
    public Path backupDir() {
        return properties.backupDir().toAbsolutePath().normalize();
    }

    /** Where {@code BACKUP dir} writes: {@code dir} itself if absolute, else under {@link #backupDir}. */
    public Path resolve(String dir) {
        return backupDir().resolve(dir).toAbsolutePath().normalize();
    }

    /** A new directory for BGSAVE under {@link #backupDir}, named after the time. */
    public Path nextDirectory() {
        return backupDir().resolve(NAMES.format(clock.instant()));
    }

    /**
     * Starts a backup into {@code target} unless one is running.
     *
     * @param writes the server's count of writes so far, for {@code rdb_changes_since_last_save}
     * @throws IllegalArgumentException if {@code target} exists and is not an empty directory
     */
    public synchronized Start start(Path target, long writes) {
        if (state.inProgress()) {
            return Start.ALREADY_RUNNING;
        }
        if (Files.exists(target) && !(Files.isDirectory(target) && isEmpty(target))) {
            throw new IllegalArgumentException(target + " exists and is not an empty directory");
        }
        long started = clock.millis();
        state = new State(true, state.lastSaveMillis(), state.lastOk(), state.lastDurationMillis(), started,
                state.saves(), target, state.lastError(), state.writesAtLastSave());
        worker.execute(() -> run(target, started, writes));
        return Start.STARTED;
    }

    private void run(Path target, long started, long writes) {
        String error = null;
        try {
            Files.createDirectories(target.getParent());
            Files.deleteIfExists(target); // an empty directory: RocksDB wants to create it itself
            store.checkpoint(target);
            BackupManifest.of(target, started).writeTo(target);
            log.info("Backup written to {} in {} ms", target, clock.millis() - started);
        }
        catch (IOException | RuntimeException e) {
            error = e.getMessage() == null ? e.toString() : e.getMessage();
            log.warn("Backup to {} failed: {}", target, error);
            try {
                kv.protocol.backup.BackupRestore.deleteTree(target);
            }
            catch (IOException cleanup) {
                log.warn("Could not remove the failed backup {}: {}", target, cleanup.getMessage());
            }
        }
        finish(started, writes, error);
    }

    private synchronized void finish(long started, long writes, String error) {
        boolean ok = error == null;
        state = new State(false, ok ? started : state.lastSaveMillis(), ok, clock.millis() - started, -1,
                state.saves() + (ok ? 1 : 0), state.lastDirectory(), error,
                ok ? writes : state.writesAtLastSave());
        notifyAll();
    }

    /** Waits until no backup is running (SAVE), and returns the state then. */
    public synchronized State awaitIdle() throws InterruptedException {
        while (state.inProgress()) {
            wait();
        }
        return state;
    }

    public synchronized State state() {
        return state;
    }

    private static boolean isEmpty(Path directory) {
        try (var entries = Files.list(directory)) {
            return entries.findAny().isEmpty();
        }
        catch (IOException e) {
            return false;
        }
    }

    /** On shutdown, before the store closes: a backup under way is let finish, for at most a minute. */
    @PreDestroy
    void stop() throws InterruptedException {
        worker.shutdown();
        if (!worker.awaitTermination(60, java.util.concurrent.TimeUnit.SECONDS)) {
            log.warn("A backup was still running at shutdown; its directory has no {} and will not restore",
                    BackupManifest.NAME);
        }
    }
}
