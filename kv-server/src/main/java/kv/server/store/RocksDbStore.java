package kv.server.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Predicate;
import java.util.function.Supplier;

import kv.protocol.Glob;
import kv.server.config.Fsync;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.CompressionType;
import org.rocksdb.DataBlockIndexType;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link KeyValueStore} on RocksDB: crash safe through its write-ahead log, larger than memory,
 * compacted in the background.
 *
 * <p>Design note: every write goes through RocksDB's write-ahead log before {@code put} returns,
 * so a crash of this process never loses a write that was acknowledged after it. The group
 * commit is the server's, not RocksDB's: writes run one at a time under {@code writeOrder}, and
 * the server hands the SET/PUT/MSETs that every client sent in one event-loop round over as one
 * {@link #putAll} (see {@code WriteBatcher}), one {@code WriteBatch}, so a round costs one log
 * write however many clients and pipelined SETs it holds. The fsync mode decides when the log
 * reaches the disk: {@code always} syncs it as part of each write, before the acknowledgement;
 * {@code everysec} by a background thread once a second; {@code no} when the OS pleases
 * ({@code DurabilityTest} watches the syncs of each mode). (Flushing the log by hand,
 * {@code manual_wal_flush}, was tried while each connection had its own thread and measured
 * slower than RocksDB's own grouping of those concurrent writers.) Reads and writes hold a shared
 * lock and {@link #close()} an exclusive one, so closing on shutdown waits for operations in
 * flight instead of freeing native memory under them.
 */
public final class RocksDbStore implements KeyValueStore {

    private static final Logger log = LoggerFactory.getLogger(RocksDbStore.class);

    static {
        RocksDB.loadLibrary();
    }

    private final Path directory;
    private final Options options;
    private final LRUCache blockCache;
    private final WriteOptions writeOptions;
    private final ReadOptions readOptions;
    private final RocksDB db;
    private final ReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private final Object writeOrder = new Object();
    private final ScheduledExecutorService walSyncer;
    private volatile boolean closed;
    private volatile String lastWriteError;

    public RocksDbStore(Path directory, Fsync fsync) {
        this.directory = directory.toAbsolutePath();
        try {
            Files.createDirectories(this.directory);
        }
        catch (IOException e) {
            throw new StoreException("cannot create data directory " + this.directory + ": " + e.getMessage(), e);
        }
        this.blockCache = new LRUCache(64L * 1024 * 1024);
        BlockBasedTableConfig table = new BlockBasedTableConfig()
                .setBlockCache(blockCache)
                .setFilterPolicy(new BloomFilter(10, false)) // point lookups skip files without the key
                .setWholeKeyFiltering(true)
                .setDataBlockIndexType(DataBlockIndexType.kDataBlockBinaryAndHash)
                .setCacheIndexAndFilterBlocks(true)
                .setPinL0FilterAndIndexBlocksInCache(true);
        this.options = new Options()
                .setCreateIfMissing(true)
                .setTableFormatConfig(table)
                .setMemtableWholeKeyFiltering(true)
                .setMemtablePrefixBloomSizeRatio(0.1)
                .setCompressionType(CompressionType.LZ4_COMPRESSION)
                .setWriteBufferSize(16L * 1024 * 1024)
                .setMaxWriteBufferNumber(4)
                .setMaxBackgroundJobs(2)
                .setKeepLogFileNum(5);
        this.writeOptions = new WriteOptions().setSync(fsync == Fsync.ALWAYS);
        this.readOptions = new ReadOptions();
        try {
            this.db = RocksDB.open(options, this.directory.toString());
        }
        catch (RocksDBException e) {
            throw new StoreException("cannot open RocksDB in " + this.directory + ": " + e.getMessage(), e);
        }
        if (fsync == Fsync.EVERYSEC) {
            walSyncer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread thread = new Thread(r, "kv-wal-sync");
                thread.setDaemon(true);
                return thread;
            });
            walSyncer.scheduleWithFixedDelay(this::syncWal, 1, 1, TimeUnit.SECONDS);
        }
        else {
            walSyncer = null;
        }
        log.info("RocksDB open in {} (fsync {})", this.directory, fsync.name().toLowerCase());
    }

    public Path directory() {
        return directory;
    }

    private void syncWal() {
        read(() -> {
            try {
                db.syncWal();
            }
            catch (RocksDBException e) {
                log.warn("WAL sync failed: {}", e.getMessage());
            }
            return null;
        });
    }

    @Override
    public byte[] get(byte[] key) {
        return read(() -> {
            try {
                return db.get(readOptions, key);
            }
            catch (RocksDBException e) {
                throw new StoreException("read failed: " + e.getMessage(), e);
            }
        });
    }

    @Override
    public List<byte[]> getAll(List<byte[]> keys) {
        return read(() -> {
            try {
                return db.multiGetAsList(readOptions, keys);
            }
            catch (RocksDBException e) {
                throw new StoreException("read failed: " + e.getMessage(), e);
            }
        });
    }

    @Override
    public void put(byte[] key, byte[] value) {
        write(() -> db.put(writeOptions, key, value));
    }

    @Override
    public void putAll(List<Entry> entries) {
        // In key order (stable: of two writes to one key the later still wins), each insert into
        // the memtable's skip list starts near the previous one; in arrival order most of the
        // time went to re-finding the insert position from the top (a profile of SET at
        // pipeline 16 showed half the event loop's time in RecomputeSpliceLevels).
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort((a, b) -> Arrays.compareUnsigned(a.key(), b.key()));
        write(() -> {
            try (WriteBatch batch = new WriteBatch()) {
                for (Entry entry : sorted) {
                    batch.put(entry.key(), entry.value());
                }
                db.write(writeOptions, batch);
            }
        });
    }

    @Override
    public byte[] putIf(byte[] key, byte[] value, Predicate<byte[]> condition) {
        synchronized (writeOrder) {
            byte[] current = get(key);
            if (condition.test(current)) {
                put(key, value);
            }
            return current;
        }
    }

    @Override
    public long delete(List<byte[]> keys) {
        synchronized (writeOrder) { // the count and the delete as one step
            long existing = countExisting(keys);
            write(() -> {
                if (keys.size() == 1) {
                    db.delete(writeOptions, keys.get(0));
                    return;
                }
                try (WriteBatch batch = new WriteBatch()) {
                    for (byte[] key : keys) {
                        batch.delete(key);
                    }
                    db.write(writeOptions, batch);
                }
            });
            return existing;
        }
    }

    @Override
    public long countExisting(List<byte[]> keys) {
        long count = 0;
        for (byte[] value : getAll(keys)) {
            if (value != null) {
                count++;
            }
        }
        return count;
    }

    @Override
    public long estimatedSize() {
        return read(() -> {
            try {
                return db.getLongProperty("rocksdb.estimate-num-keys");
            }
            catch (RocksDBException e) {
                return -1L;
            }
        });
    }

    @Override
    public void clear() {
        write(() -> {
            try (Snapshot snapshot = snapshot(); CloseableIterator<Entry> entries = snapshot.entries(null);
                 WriteBatch batch = new WriteBatch()) {
                while (entries.hasNext()) {
                    batch.delete(entries.next().key());
                }
                db.write(writeOptions, batch);
            }
        });
    }

    @Override
    public String problem() {
        if (closed) {
            return "closed";
        }
        String error = lastWriteError;
        if (error != null) {
            return "last write failed: " + error;
        }
        try {
            long backgroundErrors = db.getLongProperty("rocksdb.background-errors");
            if (backgroundErrors > 0) {
                return backgroundErrors + " background errors";
            }
        }
        catch (RocksDBException e) {
            return e.getMessage();
        }
        return null;
    }

    @Override
    public Snapshot snapshot() {
        return read(() -> new RocksSnapshot());
    }

    @Override
    public void close() {
        lifecycle.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            if (walSyncer != null) {
                walSyncer.shutdownNow();
            }
            try {
                db.syncWal();
            }
            catch (RocksDBException e) {
                log.warn("final WAL sync failed: {}", e.getMessage());
            }
            db.close();
            writeOptions.close();
            readOptions.close();
            options.close();
            blockCache.close();
            log.info("RocksDB closed cleanly");
        }
        finally {
            lifecycle.writeLock().unlock();
        }
    }

    private interface RocksWrite {
        void run() throws RocksDBException;
    }

    /**
     * Every write runs under {@link #writeOrder}: a write that reads first ({@link #putIf}, the
     * count {@link #delete} returns) sees no other write land between its read and its write,
     * also with several event loops.
     */
    private void write(RocksWrite action) {
        synchronized (writeOrder) {
            read(() -> {
                try {
                    action.run();
                    lastWriteError = null;
                }
                catch (RocksDBException e) {
                    lastWriteError = e.getMessage();
                    throw new StoreException("write failed: " + e.getMessage(), e);
                }
                return null;
            });
        }
    }

    private <T> T read(Supplier<T> action) {
        lifecycle.readLock().lock();
        try {
            if (closed) {
                throw new StoreException("store is closed (shutting down)", null);
            }
            return action.get();
        }
        finally {
            lifecycle.readLock().unlock();
        }
    }

    private final class RocksSnapshot implements Snapshot {

        private final org.rocksdb.Snapshot snapshot = db.getSnapshot();
        private final ReadOptions options = new ReadOptions().setSnapshot(snapshot);

        @Override
        public long count(byte[] pattern) {
            try (CloseableIterator<Entry> entries = iterate(pattern, false)) {
                long count = 0;
                while (entries.hasNext()) {
                    entries.next();
                    count++;
                }
                return count;
            }
        }

        @Override
        public CloseableIterator<Entry> entries(byte[] pattern) {
            return iterate(pattern, true);
        }

        private CloseableIterator<Entry> iterate(byte[] pattern, boolean withValues) {
            Glob glob = pattern == null ? null : Glob.of(pattern);
            byte[] prefix = glob == null ? new byte[0] : glob.literalPrefix();
            RocksIterator iterator = read(() -> db.newIterator(options));
            iterator.seek(prefix);
            return new CloseableIterator<>() {
                private Entry next = advance(false);

                private Entry advance(boolean step) {
                    if (step) {
                        iterator.next();
                    }
                    for (; iterator.isValid(); iterator.next()) {
                        byte[] key = iterator.key();
                        if (!startsWith(key, prefix)) {
                            return null;
                        }
                        if (glob == null || glob.matches(key)) {
                            return new Entry(key, withValues ? iterator.value() : null);
                        }
                    }
                    return null;
                }

                @Override
                public boolean hasNext() {
                    return next != null;
                }

                @Override
                public Entry next() {
                    if (next == null) {
                        throw new NoSuchElementException();
                    }
                    Entry current = next;
                    next = advance(true);
                    return current;
                }

                @Override
                public void close() {
                    iterator.close();
                }
            };
        }

        @Override
        public void close() {
            options.close();
            db.releaseSnapshot(snapshot);
        }
    }

    private static boolean startsWith(byte[] key, byte[] prefix) {
        return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }
}
