package kv.server.store;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

import kv.server.config.KvServerProperties;
import org.springframework.stereotype.Component;

/**
 * Stops storing values before the data directory's disk is full, and starts again by itself once
 * there is room. RocksDB does not recover from a write-ahead log append that failed for lack of
 * space: every later write fails until the process restarts (seen here on a full tmpfs, even
 * after the disk was grown). So while less than {@code kv.server.min-free-disk} is free, SET, PUT
 * and MSET are refused with an error; reads, DEL and FLUSHDB (which write little and free space
 * once compacted) still run.
 *
 * <p>Free space is read (one {@code statfs}) every 100 ms; in between, the bytes of the writes
 * let through are taken off the last reading, so a fast writer cannot run far past the limit
 * between two readings. When that estimate falls under the limit, the disk is read again (at
 * most once a millisecond) before a write is refused.
 */
@Component
public class DiskGuard {

    private static final long CHECK_NANOS = 100_000_000;
    private static final long RECHECK_NANOS = 1_000_000;

    private final Path dataDir;
    private final long minFree;
    private final AtomicLong writtenSinceCheck = new AtomicLong();
    private volatile long lastCheck = System.nanoTime() - 2 * CHECK_NANOS;
    private volatile long free = Long.MAX_VALUE;

    public DiskGuard(KvServerProperties properties) {
        this.dataDir = properties.dataDir().toAbsolutePath();
        this.minFree = properties.minFreeDisk().toBytes();
    }

    /**
     * Null if a write of about {@code bytes} may go ahead (and counts it), else the error to
     * answer it with.
     */
    public String refusal(long bytes) {
        if (minFree <= 0) {
            return null;
        }
        long now = System.nanoTime();
        if (now - lastCheck > CHECK_NANOS) {
            readFreeSpace(now);
        }
        long left = free - writtenSinceCheck.get();
        if (left < minFree && now - lastCheck > RECHECK_NANOS) {
            // The estimate counts raw bytes; compression and flushed logs may have left more room.
            readFreeSpace(now);
            left = free;
        }
        if (left < minFree) {
            return "ERR disk full: " + mb(Math.max(left, 0)) + " free for " + dataDir + ", under kv.server.min-free-disk ("
                    + mb(minFree) + "); values are not stored until there is room (reads, DEL and FLUSHDB still run)";
        }
        writtenSinceCheck.addAndGet(bytes);
        return null;
    }

    private void readFreeSpace(long now) {
        free = dataDir.toFile().getUsableSpace();
        writtenSinceCheck.set(0);
        lastCheck = now;
    }

    /** Null while values are stored, else why not (for health and INFO); reads the disk now. */
    public String problem() {
        if (minFree <= 0) {
            return null;
        }
        long usable = dataDir.toFile().getUsableSpace();
        return usable < minFree ? "disk full: " + mb(usable) + " free, under min-free-disk (" + mb(minFree) + ")" : null;
    }

    /**
     * Null while {@code store} stores values, else why not (for health and INFO): the store's own
     * error (RocksDB's background error) first, else a disk under {@code min-free-disk}.
     */
    public String storageProblem(KeyValueStore store) {
        String problem = store.problem();
        return problem != null ? problem : problem();
    }

    private static String mb(long bytes) {
        return (bytes >> 20) + " MB";
    }
}
