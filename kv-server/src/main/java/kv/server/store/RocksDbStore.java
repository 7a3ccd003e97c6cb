package kv.server.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.time.Clock;
import java.util.function.Function;
import java.util.function.Supplier;

import kv.protocol.ByteKey;
import kv.protocol.Glob;
import kv.server.config.Fsync;
import org.rocksdb.AbstractWriteBatch;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.DataBlockIndexType;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.Slice;
import org.rocksdb.TablePropertiesCollectorFactory;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteBatchWithIndex;
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
 *
 * <p>Expiry: a value's header carries its expiry time (see {@link StoredValue}), and the
 * {@code expires} column family indexes the expiring keys by time, written in the same batch as
 * the value. Reads filter what has expired by the clock (passive expiry); {@link #expireDue}
 * deletes due keys a slice at a time (active expiry), checking each index entry against the
 * value's header (a write drops the old index entry of the key it replaces; one left behind is
 * dropped when its time comes). Deleted keys' space comes back through compaction: both column
 * families mark files dense with deletions for compaction ({@code CompactOnDeletionCollector}),
 * so a million keys expiring at once do not linger as tombstones.
 *
 * <p>Atomic units ({@link #atomically}): the thread that opens one holds {@code writeOrder} until
 * it ends, so no other write lands in between; its writes go into one {@code WriteBatchWithIndex}
 * instead of the database, its own reads see them through that batch
 * ({@code getFromBatchAndDB}, {@code newIteratorWithBase}), and the end writes the batch as one
 * RocksDB write: one log record, one fsync with {@code fsync always}, all or nothing after a
 * crash. Other threads read the state before the unit until that write, then the state after.
 * The redirection sits in the lowest helpers every read and write goes through
 * ({@link #fetch}, {@link #fetchAll}, {@link #iterator}, {@link #writeBatch}, {@link #addCounts}):
 * storage code written on them works inside a unit unchanged. RocksDB's range deletion has no
 * place in an indexed batch, so a flush inside a unit deletes its keys one by one.
 */
public final class RocksDbStore implements KeyValueStore {

    private static final Logger log = LoggerFactory.getLogger(RocksDbStore.class);
    /** Expired keys after which the memtables are flushed, so that compaction reclaims their space. */
    private static final long RECLAIM_AFTER = 50_000;
    /**
     * Values at least this long are kept in RocksDB's blob files (BlobDB), not in the LSM tree's
     * blocks: a flush writes them out once, uncompressed, and compactions move only a reference,
     * so a 200 MB value is not LZ4-compressed into one 200 MB block and rewritten at every level.
     * Smaller values stay in blocks, where the block cache and the bloom filters serve them.
     * Measured in bench/results/2026-12-02-shapes-values.md.
     */
    static final long BLOB_MIN_BYTES = 64 * 1024;
    private static final byte[] EXPIRES_FAMILY = "expires".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    /** Above every key: database keys start with a byte below 0xFF, index keys with a positive time. */
    private static final byte[] END = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF,
            (byte) 0xFF, (byte) 0xFF, (byte) 0xFF};

    static {
        RocksDB.loadLibrary();
    }

    private final Path directory;
    private final Clock clock;
    private final DBOptions options;
    private final ColumnFamilyOptions valueOptions;
    private final ColumnFamilyOptions indexOptions;
    private final LRUCache blockCache;
    /** The block cache's capacity. */
    private static final long BLOCK_CACHE_BYTES = 64L * 1024 * 1024;
    private final WriteOptions writeOptions;
    private final ReadOptions readOptions;
    private final RocksDB db;
    private final ColumnFamilyHandle values;
    private final ColumnFamilyHandle expires;
    private final HashStorage hashes;
    private final StoreCounters counters = new StoreCounters();
    /** The last version given to a new hash (guarded by writeOrder; see HashStorage). */
    private long lastHashVersion;
    private final ReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private final Object writeOrder = new Object();
    private final ScheduledExecutorService walSyncer;
    /** Where the active cycle resumes: every index entry before it is deleted (guarded by writeOrder). */
    private byte[] expiryCursor = new byte[0];
    /** Keys the active cycle deleted since the memtables were last flushed for it (guarded by writeOrder). */
    private long expiredSinceFlush;
    /** Keys and expiring keys per first byte (database), kept with every write. */
    private final KeyCounts counts = new KeyCounts();
    private volatile boolean closed;
    private volatile String lastWriteError;
    /** The atomic unit open now, or null; set and cleared by its thread under writeOrder, read by any. */
    private volatile Unit unit;
    private volatile WriteObserver observer = WriteObserver.NONE;
    private volatile java.util.function.Consumer<byte[]> newKeys;
    /** Cluster mode: where writes go instead of the database (see {@link #replicateThrough}); null on a single server. */
    private volatile ReplicatedLog replication;
    private final List<ReplicatedWrites> replicatedWrites = new java.util.concurrent.CopyOnWriteArrayList<>();

    public RocksDbStore(Path directory, Fsync fsync) {
        this(directory, fsync, Clock.systemUTC());
    }

    public RocksDbStore(Path directory, Fsync fsync, Clock clock) {
        this.directory = directory.toAbsolutePath();
        this.clock = clock;
        try {
            Files.createDirectories(this.directory);
        }
        catch (IOException e) {
            throw new StoreException("cannot create data directory " + this.directory + ": " + e.getMessage(), e);
        }
        this.blockCache = new LRUCache(BLOCK_CACHE_BYTES);
        BlockBasedTableConfig table = new BlockBasedTableConfig()
                .setBlockCache(blockCache)
                .setFilterPolicy(new BloomFilter(10, false)) // point lookups skip files without the key
                .setWholeKeyFiltering(true)
                .setDataBlockIndexType(DataBlockIndexType.kDataBlockBinaryAndHash)
                .setCacheIndexAndFilterBlocks(true)
                .setPinL0FilterAndIndexBlocksInCache(true);
        this.options = new DBOptions()
                .setCreateIfMissing(true)
                .setCreateMissingColumnFamilies(true)
                .setMaxBackgroundJobs(2)
                .setKeepLogFileNum(5);
        // A file in which half of any 128 consecutive entries are deletions is compacted soon:
        // expired keys give their space back without waiting for the next size-driven compaction.
        // (RocksJava sets the collector on Options only; the column families copy it from there.)
        try (Options withCollector = new Options()) {
            withCollector.setTablePropertiesCollectorFactory(
                    List.of(TablePropertiesCollectorFactory.NewCompactOnDeletionCollectorFactory(128, 64, 0.5)));
            this.valueOptions = new ColumnFamilyOptions(withCollector)
                    .setTableFormatConfig(table)
                    .setMemtableWholeKeyFiltering(true)
                    .setMemtablePrefixBloomSizeRatio(0.1)
                    .setCompressionType(CompressionType.LZ4_COMPRESSION)
                    .setWriteBufferSize(16L * 1024 * 1024)
                    .setMaxWriteBufferNumber(4)
                    .setEnableBlobFiles(true)
                    .setMinBlobSize(BLOB_MIN_BYTES)
                    .setBlobFileSize(256L * 1024 * 1024)
                    // overwritten and deleted big values give their space back as compaction
                    // meets their references (the oldest quarter of the blob files)
                    .setEnableBlobGarbageCollection(true);
            this.indexOptions = new ColumnFamilyOptions(withCollector)
                    .setCompressionType(CompressionType.LZ4_COMPRESSION)
                    .setWriteBufferSize(8L * 1024 * 1024);
        }
        this.writeOptions = new WriteOptions().setSync(fsync == Fsync.ALWAYS);
        this.readOptions = new ReadOptions();
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        try {
            this.db = RocksDB.open(options, this.directory.toString(), List.of(
                    new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, valueOptions),
                    new ColumnFamilyDescriptor(EXPIRES_FAMILY, indexOptions),
                    new ColumnFamilyDescriptor(HashStorage.FAMILY, valueOptions)), handles);
        }
        catch (RocksDBException e) {
            throw new StoreException("cannot open RocksDB in " + this.directory + ": " + e.getMessage(), e);
        }
        this.values = handles.get(0);
        this.expires = handles.get(1);
        this.hashes = new HashStorage(this, handles.get(2), counters);
        long countStart = System.nanoTime();
        counts.recount(db, values);
        log.info("Counted {} keys ({} with an expiry) in {} ms", counts.total(0), counts.total(256),
                (System.nanoTime() - countStart) / 1_000_000);
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
    public Entry get(byte[] key) {
        Entry entry = rawGet(key);
        return entry == null || entry.expiredAt(clock.millis()) ? null : entry;
    }

    private Entry rawGet(byte[] key) {
        return StoredValue.decode(key, fetch(values, key));
    }

    /**
     * The stored bytes of {@code key} in {@code family}, or null: what the current thread's
     * atomic unit wrote if it wrote the key, else what the database holds. Every point read
     * goes through here.
     */
    byte[] fetch(ColumnFamilyHandle family, byte[] key) {
        return read(() -> {
            try {
                counters.keysRead.increment();
                Unit open = currentUnit();
                return open != null ? open.batch.getFromBatchAndDB(db, family, readOptions, key)
                        : db.get(family, readOptions, key);
            }
            catch (RocksDBException e) {
                throw new StoreException("read failed: " + e.getMessage(), e);
            }
        });
    }

    /** As {@link #fetch} for several keys of one family, in their order (one multi-get outside a unit). */
    List<byte[]> fetchAll(ColumnFamilyHandle family, List<byte[]> keys) {
        return read(() -> {
            try {
                counters.keysRead.add(keys.size());
                Unit open = currentUnit();
                if (open == null) {
                    return db.multiGetAsList(readOptions, java.util.Collections.nCopies(keys.size(), family), keys);
                }
                List<byte[]> stored = new ArrayList<>(keys.size());
                for (byte[] key : keys) {
                    stored.add(open.batch.getFromBatchAndDB(db, family, readOptions, key));
                }
                return stored;
            }
            catch (RocksDBException e) {
                throw new StoreException("read failed: " + e.getMessage(), e);
            }
        });
    }

    /**
     * An iterator over {@code family} as {@code options} see it, overlaid inside a unit with what
     * the unit wrote (valid only until the unit ends: copy what must outlive it). Every
     * iteration over data goes through here.
     */
    RocksIterator iterator(ColumnFamilyHandle family, ReadOptions options) {
        return read(() -> {
            Unit open = currentUnit();
            RocksIterator base = db.newIterator(family, options);
            return open == null ? base : open.batch.newIteratorWithBase(family, base, options);
        });
    }

    @Override
    public List<Entry> getAll(List<byte[]> keys) {
        List<Entry> entries = rawGetAll(keys);
        long now = clock.millis();
        for (int i = 0; i < entries.size(); i++) {
            Entry entry = entries.get(i);
            if (entry != null && entry.expiredAt(now)) {
                entries.set(i, null);
            }
        }
        return entries;
    }

    private List<Entry> rawGetAll(List<byte[]> keys) {
        if (keys.size() == 1) {
            List<Entry> one = new ArrayList<>(1);
            one.add(rawGet(keys.get(0)));
            return one;
        }
        List<byte[]> stored = fetchAll(values, keys);
        List<Entry> entries = new ArrayList<>(stored.size());
        for (int i = 0; i < stored.size(); i++) {
            entries.add(StoredValue.decode(keys.get(i), stored.get(i)));
        }
        return entries;
    }

    @Override
    public void put(Entry entry) {
        putAll(List.of(entry));
    }

    @Override
    public void putAll(List<Entry> entries) {
        putAll(entries, java.util.Collections.nCopies(entries.size(), (Entry) null));
    }

    @Override
    public void putAll(List<Entry> entries, List<Entry> known) {
        // In key order (stable: of two writes to one key the later still wins), each insert into
        // the memtable's skip list starts near the previous one; in arrival order most of the
        // time went to re-finding the insert position from the top (a profile of SET at
        // pipeline 16 showed half the event loop's time in RecomputeSpliceLevels).
        Integer[] order = new Integer[entries.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        if (order.length > 1) {
            Arrays.sort(order, (a, b) -> Arrays.compareUnsigned(entries.get(a).key(), entries.get(b).key()));
        }
        List<Entry> sorted = new ArrayList<>(order.length);
        List<byte[]> keys = new ArrayList<>(order.length);
        List<byte[]> unknown = new ArrayList<>();
        for (int i : order) {
            sorted.add(entries.get(i));
            keys.add(entries.get(i).key());
            if (known.get(i) == null) {
                unknown.add(entries.get(i).key());
            }
        }
        synchronized (writeOrder) {
            // What each key was before: for the per-database counts (DBSIZE in O(1)) and to drop
            // an overwritten expiry's index entry. Read only where the caller (the value cache)
            // does not know it: a read per SET cost half again the CPU of the SET itself.
            List<Entry> read = unknown.isEmpty() ? List.of() : rawGetAll(unknown);
            List<Entry> raw = new ArrayList<>(order.length);
            int next = 0;
            for (int i : order) {
                raw.add(known.get(i) != null ? known.get(i) : read.get(next++));
            }
            apply(sorted, keys, raw, clock.millis());
        }
    }

    /**
     * Applies {@code writes} as one batch, given {@code raw}, what the keys {@code keys} held
     * before (expired or not); then updates the counts. The caller holds {@link #writeOrder}.
     */
    private void apply(List<Entry> writes, List<byte[]> keys, List<Entry> raw, long now) {
        Map<ByteKey, Entry> state = new HashMap<>();
        for (int i = 0; i < keys.size(); i++) {
            state.putIfAbsent(new ByteKey(keys.get(i)), raw.get(i));
        }
        long[] delta = new long[2 * 256];
        WriteObserver watching = observer.observing() ? observer : null;
        List<Entry> changes = watching == null ? null : new ArrayList<>(writes.size());
        java.util.function.Consumer<byte[]> announce = newKeys;
        List<byte[]> created = announce == null ? null : new ArrayList<>();
        write(() -> writeBatch(batch -> {
            for (Entry write : writes) {
                ByteKey key = new ByteKey(write.key());
                Entry before = state.get(key);
                Entry after = add(batch, write, before, now);
                state.put(key, after);
                count(delta, write.key(), before, after);
                if (changes != null && (before != null || after != null)) {
                    changes.add(after != null ? after : Entry.deletion(write.key()));
                }
                if (created != null && after != null && (before == null || before.expiredAt(now))) {
                    created.add(write.key());
                }
            }
        }));
        addCounts(delta);
        if (created != null) {
            created.forEach(key -> announceNew(announce, key));
        }
        if (changes != null) {
            for (Entry change : changes) {
                changed(change.key(), !change.isDeletion() && !change.expiredAt(now));
            }
        }
    }

    /**
     * Writes what {@code work} adds to a batch, all or nothing: outside a unit as one RocksDB
     * write; inside the current thread's unit into the unit's batch (back to where it was if
     * {@code work} fails). Every write goes through here, under {@link #write}.
     */
    void writeBatch(BatchWork work) throws RocksDBException {
        Unit open = currentUnit();
        if (open == null) {
            try (WriteBatch batch = new WriteBatch()) {
                work.fill(batch);
                if (batch.count() > 0) {
                    commit(batch);
                }
            }
            return;
        }
        open.batch.setSavePoint();
        int drops = open.drops.size();
        try {
            work.fill(open.batch);
        }
        catch (RocksDBException | RuntimeException | Error e) {
            open.batch.rollbackToSavePoint();
            open.drops.subList(drops, open.drops.size()).clear();
            throw e;
        }
        open.batch.popSavePoint();
    }

    /** What a write puts into a batch. */
    @FunctionalInterface
    interface BatchWork {
        void fill(AbstractWriteBatch batch) throws RocksDBException;
    }

    /** Adds a write's count changes: at once, or inside a unit when it commits. Caller holds writeOrder. */
    void addCounts(long[] delta) {
        Unit open = currentUnit();
        if (open == null) {
            counts.add(delta);
            return;
        }
        for (int i = 0; i < delta.length; i++) {
            open.delta[i] += delta[i];
        }
    }

    /** Reports a changed key to the observer: at once, or inside a unit when it commits. */
    private void changed(byte[] key, boolean live) {
        if (key.length > 0 && key[0] == (byte) 0xFF) {
            return; // the server's own keys
        }
        Unit open = currentUnit();
        if (open == null) {
            observer.changed(key, live);
        }
        else {
            open.changed.put(new ByteKey(key), live);
        }
    }

    private static void count(long[] delta, byte[] key, Entry before, Entry after) {
        int db = key.length == 0 ? 0 : key[0] & 0xFF;
        delta[db] += (after != null ? 1 : 0) - (before != null ? 1 : 0);
        delta[256 + db] += (after != null && after.expires() ? 1 : 0) - (before != null && before.expires() ? 1 : 0);
    }

    /**
     * Adds {@code write} to {@code batch}, given the key's {@code current} raw entry (null:
     * absent); returns what the key holds after it (null: absent).
     */
    private Entry add(AbstractWriteBatch batch, Entry write, Entry current, long now) throws RocksDBException {
        if (current != null && current.expires() && current.expireAt() != write.expireAt()) {
            batch.delete(expires, StoredValue.indexKey(current.expireAt(), current.key()));
        }
        // A hash replaced by anything but itself (DEL, SET, expiry, RENAME over it) loses its
        // fields in one range deletion; a hash entry from another key (RENAME, COPY) brings its
        // fields along under a new version.
        boolean keepsFields = write.isHash() && !write.expiredAt(now) && HashStorage.inPlace(write, current);
        if (current != null && current.isHash() && !keepsFields) {
            dropHash(batch, current);
        }
        if (write.isDeletion() || write.expiredAt(now)) {
            batch.delete(values, write.key());
            return null;
        }
        if (write.isHash() && !keepsFields) {
            write = hashes.copy(readOptions, batch, write, nextHashVersion());
        }
        batch.put(values, write.key(), StoredValue.encode(write));
        if (write.expires()) {
            batch.put(expires, StoredValue.indexKey(write.expireAt(), write.key()), new byte[0]);
        }
        return write;
    }

    @Override
    public List<Entry> update(List<byte[]> keys, Function<List<Entry>, List<Entry>> change) {
        synchronized (writeOrder) {
            List<Entry> raw = rawGetAll(keys);
            long now = clock.millis();
            List<Entry> current = new ArrayList<>(raw.size());
            for (Entry entry : raw) {
                current.add(entry == null || entry.expiredAt(now) ? null : entry);
            }
            List<Entry> writes = change.apply(current);
            if (!writes.isEmpty()) {
                Map<ByteKey, Entry> before = new HashMap<>();
                for (int i = 0; i < keys.size(); i++) {
                    before.put(new ByteKey(keys.get(i)), raw.get(i));
                }
                List<byte[]> written = new ArrayList<>(writes.size());
                List<Entry> rawWritten = new ArrayList<>(writes.size());
                for (Entry write : writes) {
                    ByteKey key = new ByteKey(write.key());
                    written.add(write.key());
                    rawWritten.add(before.containsKey(key) ? before.get(key) : rawGet(write.key()));
                }
                apply(writes, written, rawWritten, now);
            }
            return writes;
        }
    }

    @Override
    public long delete(List<byte[]> keys) {
        synchronized (writeOrder) { // the count and the delete as one step
            List<Entry> raw = rawGetAll(keys);
            long now = clock.millis();
            long existing = 0;
            List<Entry> deletions = new ArrayList<>(keys.size());
            java.util.Set<ByteKey> named = new java.util.HashSet<>();
            for (int i = 0; i < keys.size(); i++) {
                Entry entry = raw.get(i);
                // DEL a a deletes one key, as in Redis (EXISTS a a counts two)
                if (named.add(new ByteKey(keys.get(i))) && entry != null && !entry.expiredAt(now)) {
                    existing++;
                }
                deletions.add(Entry.deletion(keys.get(i)));
            }
            apply(deletions, keys, raw, now);
            return existing;
        }
    }

    @Override
    public long countExisting(List<byte[]> keys) {
        long count = 0;
        for (Entry entry : getAll(keys)) {
            if (entry != null) {
                count++;
            }
        }
        return count;
    }

    @Override
    public List<byte[]> expireDue(long now, int limit) {
        if (currentUnit() != null) {
            return List.of(); // the cycle's deletions are their own writes, after the unit
        }
        if (!acceptsWrites()) {
            return List.of(); // cluster mode: the leader's cycle deletes, its log entries tell the followers
        }
        for (int attempt = 0; attempt < 4; attempt++) { // a slice of leftovers only: go on a little
            boolean[] leftoversOnly = {false};
            List<byte[]> deleted = expireSlice(now, limit, leftoversOnly);
            if (!leftoversOnly[0]) {
                return deleted;
            }
        }
        return List.of();
    }

    private List<byte[]> expireSlice(long now, int limit, boolean[] leftoversOnly) {
        synchronized (writeOrder) {
            List<byte[]> deleted = new ArrayList<>();
            long[] delta = new long[2 * 256];
            write(() -> {
                byte[] upper = StoredValue.indexKey(now + 1, new byte[0]);
                try (Slice upperBound = new Slice(upper);
                     ReadOptions bounded = new ReadOptions().setIterateUpperBound(upperBound);
                     RocksIterator due = db.newIterator(expires, bounded);
                     WriteBatch batch = new WriteBatch()) {
                    due.seek(expiryCursor);
                    // One multi-get for the slice's values (a get per key cost a JNI call each).
                    List<byte[]> indexKeys = new ArrayList<>(limit);
                    List<byte[]> keys = new ArrayList<>(limit);
                    for (; due.isValid() && indexKeys.size() < limit; due.next()) {
                        byte[] indexKey = due.key();
                        indexKeys.add(indexKey);
                        keys.add(StoredValue.indexedKey(indexKey));
                    }
                    int seen = indexKeys.size();
                    List<byte[]> stored = seen == 0 ? List.of()
                            : db.multiGetAsList(readOptions, java.util.Collections.nCopies(seen, values), keys);
                    for (int i = 0; i < seen; i++) {
                        byte[] indexKey = indexKeys.get(i);
                        byte[] key = keys.get(i);
                        byte[] value = stored.get(i);
                        // Only if the value still expires at this entry's time: else it was
                        // written again since, and this entry is a leftover.
                        if (value != null && StoredValue.expireAt(value) == StoredValue.indexTime(indexKey)) {
                            if (StoredValue.isHash(value)) {
                                hashes.drop(batch, key);
                            }
                            batch.delete(values, key);
                            deleted.add(key);
                            delta[key[0] & 0xFF]--;
                            delta[256 + (key[0] & 0xFF)]--;
                        }
                        batch.delete(expires, indexKey);
                        expiryCursor = indexKey;
                    }
                    leftoversOnly[0] = seen > 0 && deleted.isEmpty();
                    if (seen > 0) {
                        commit(batch);
                    }
                }
            });
            counts.add(delta);
            if (observer.observing()) {
                deleted.forEach(key -> changed(key, false));
            }
            expiredSinceFlush += deleted.size();
            if (expiredSinceFlush >= RECLAIM_AFTER && deleted.size() < limit) {
                reclaim();
            }
            return deleted;
        }
    }

    /**
     * After a wave of expiries: flushes the memtables (in the background) so that their
     * deletions reach a table file, which the compact-on-deletion collector marks for
     * compaction; the compaction then drops the deleted values and their tombstones. Without it
     * the tombstones could wait in memory for the next flush, and the space for the one after.
     */
    private void reclaim() {
        expiredSinceFlush = 0;
        try (org.rocksdb.FlushOptions flush = new org.rocksdb.FlushOptions().setWaitForFlush(false)) {
            db.flush(flush, List.of(values, expires, hashes.family()));
        }
        catch (RocksDBException e) {
            log.warn("Flush after expiries failed: {}", e.getMessage());
        }
    }

    @Override
    public long size(byte[] prefix) {
        Unit open = currentUnit();
        return counts.keys(prefix[0] & 0xFF) + (open == null ? 0 : open.delta[prefix[0] & 0xFF]);
    }

    @Override
    public long expiring(byte[] prefix) {
        Unit open = currentUnit();
        return counts.expiring(prefix[0] & 0xFF) + (open == null ? 0 : open.delta[256 + (prefix[0] & 0xFF)]);
    }

    @Override
    public StoreMemory memory() {
        long memtables = 0;
        for (ColumnFamilyHandle family : List.of(values, expires, hashes.family())) {
            memtables += Math.max(0, property(family, "rocksdb.cur-size-all-mem-tables"));
        }
        return new StoreMemory(memtables, read(blockCache::getUsage), BLOCK_CACHE_BYTES, 0, 0);
    }

    @Override
    public long storedBytes() {
        long bytes = 0;
        for (ColumnFamilyHandle family : List.of(values, hashes.family())) {
            bytes += property(family, "rocksdb.total-sst-files-size") + property(family, "rocksdb.cur-size-all-mem-tables");
        }
        return bytes;
    }

    /**
     * Compacts every column family now, in full: deleted values, range-deleted hash fields and
     * their tombstones are dropped (for tests and operators; RocksDB compacts by itself too).
     */
    public void compact() {
        read(() -> { // not under writeOrder: writes go on while it compacts
            try {
                for (ColumnFamilyHandle family : List.of(values, expires, hashes.family())) {
                    db.compactRange(family);
                }
            }
            catch (RocksDBException e) {
                throw new StoreException("compaction failed: " + e.getMessage(), e);
            }
            return null;
        });
    }

    @Override
    public long estimatedSize() {
        return property(values, "rocksdb.estimate-num-keys");
    }

    private long property(ColumnFamilyHandle family, String name) {
        return read(() -> {
            try {
                return db.getLongProperty(family, name);
            }
            catch (RocksDBException e) {
                return -1L;
            }
        });
    }

    @Override
    public void clear() {
        write(() -> {
            List<byte[]> touched = liveObserved(new byte[0]);
            // Every database; keys starting 0xFF are the server's own (the database table) and stay.
            Unit open = currentUnit();
            if (open == null) {
                writeBatch(batch -> {
                    batch.deleteRange(values, new byte[0], new byte[] {(byte) 0xFF});
                    batch.deleteRange(expires, new byte[0], END);
                    batch.deleteRange(hashes.family(), new byte[0], new byte[] {(byte) 0xFF});
                });
                counts.clear();
            }
            else {
                writeBatch(batch -> {
                    deleteEach(batch, values, new byte[0], new byte[] {(byte) 0xFF});
                    deleteEach(batch, expires, new byte[0], END);
                    deleteEach(batch, hashes.family(), new byte[0], new byte[] {(byte) 0xFF});
                });
                for (int i = 0; i < 256; i++) {
                    open.delta[i] = -counts.keys(i);
                    open.delta[256 + i] = -counts.expiring(i);
                }
            }
            expiryCursor = new byte[0];
            touched.forEach(key -> changed(key, false));
        });
    }

    @Override
    public void clear(byte[] prefix) {
        // The database's index entries stay: the active cycle drops them as leftovers.
        write(() -> {
            List<byte[]> touched = liveObserved(prefix);
            Unit open = currentUnit();
            writeBatch(batch -> {
                if (open == null) {
                    batch.deleteRange(values, prefix, successor(prefix));
                    batch.deleteRange(hashes.family(), prefix, successor(prefix)); // fields start with the database's prefix too
                }
                else {
                    deleteEach(batch, values, prefix, successor(prefix));
                    deleteEach(batch, hashes.family(), prefix, successor(prefix));
                }
            });
            if (open == null && prefix.length == 1) {
                counts.clear(prefix[0] & 0xFF);
            }
            else if (open != null && prefix.length == 1) {
                int database = prefix[0] & 0xFF;
                open.delta[database] = -counts.keys(database);
                open.delta[256 + database] = -counts.expiring(database);
            }
            else if (open == null) {
                counts.recount(db, values); // not a database: count again
            }
            else {
                open.recount = true;
            }
            touched.forEach(key -> changed(key, false));
        });
    }

    /** The observed keys under {@code prefix} that hold a live value now (a flush changes those). */
    private List<byte[]> liveObserved(byte[] prefix) {
        if (!observer.observing()) {
            return List.of();
        }
        List<byte[]> live = new ArrayList<>();
        long now = clock.millis();
        for (byte[] key : observer.observed(prefix)) {
            Entry entry = rawGet(key);
            if (entry != null && !entry.expiredAt(now)) {
                live.add(key);
            }
        }
        return live;
    }

    /** Deletes every key of {@code family} in [from, to) one by one (a unit's batch takes no range deletion). */
    private void deleteEach(AbstractWriteBatch batch, ColumnFamilyHandle family, byte[] from, byte[] to)
            throws RocksDBException {
        List<byte[]> keys = new ArrayList<>();
        try (RocksIterator each = iterator(family, readOptions)) {
            for (each.seek(from); each.isValid() && Arrays.compareUnsigned(each.key(), to) < 0; each.next()) {
                keys.add(each.key());
            }
        }
        for (byte[] key : keys) {
            batch.delete(family, key);
        }
    }

    /** The first key after every key that starts with {@code prefix}. */
    static byte[] successor(byte[] prefix) {
        byte[] next = prefix.clone();
        for (int i = next.length - 1; i >= 0; i--) {
            if (next[i] != (byte) 0xFF) {
                next[i]++;
                return Arrays.copyOf(next, i + 1);
            }
        }
        return END;
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

    /**
     * RocksDB's checkpoint: the memtables are flushed, and the table and blob files are hard
     * linked into {@code target} where it is on the same file system (copied otherwise), with
     * the manifest and the live part of the write-ahead log, so that the copy holds every
     * column family as of one sequence number. Writers are not held up; taking the write order
     * for an instant first lets an atomic unit that is open now (BGSAVE inside MULTI) finish,
     * so that its writes are in the copy.
     */
    @Override
    public void checkpoint(Path target) {
        synchronized (writeOrder) {
            counters.checkpoints.increment(); // the unit open before this call, if any, has ended
        }
        read(() -> {
            try (org.rocksdb.Checkpoint checkpoint = org.rocksdb.Checkpoint.create(db)) {
                checkpoint.createCheckpoint(target.toAbsolutePath().toString());
            }
            catch (RocksDBException e) {
                throw new StoreException("cannot write a checkpoint to " + target + ": " + e.getMessage(), e);
            }
            return null;
        });
    }

    /**
     * Runs {@code body} as one atomic unit: no other write lands while it runs, its reads see
     * its own writes, and its writes reach the database as one batch when it returns (one
     * log write and, with {@code fsync always}, one fsync), or not at all if it throws. A
     * nested call joins the unit open on this thread; if the nested body throws, only its own
     * writes are undone. Other threads wait for the unit only to write.
     */
    @Override
    public <T> T atomically(Supplier<T> body) {
        Unit open = currentUnit();
        if (open != null) {
            return nested(open, body);
        }
        synchronized (writeOrder) {
            return read(() -> {
                Unit started = new Unit();
                unit = started;
                try {
                    T result = body.get();
                    commit(started);
                    return result;
                }
                finally {
                    unit = null;
                    started.batch.close();
                }
            });
        }
    }

    private <T> T nested(Unit open, Supplier<T> body) {
        long[] delta = open.delta.clone();
        Map<ByteKey, Boolean> changed = new java.util.LinkedHashMap<>(open.changed);
        boolean recount = open.recount;
        int drops = open.drops.size();
        open.batch.setSavePoint();
        T result;
        try {
            result = body.get();
        }
        catch (RuntimeException | Error e) {
            try {
                open.batch.rollbackToSavePoint();
            }
            catch (RocksDBException rollback) {
                e.addSuppressed(rollback);
            }
            System.arraycopy(delta, 0, open.delta, 0, delta.length);
            open.changed.clear();
            open.changed.putAll(changed);
            open.recount = recount;
            open.drops.subList(drops, open.drops.size()).clear();
            throw e;
        }
        try {
            open.batch.popSavePoint();
        }
        catch (RocksDBException e) {
            throw new StoreException("write failed: " + e.getMessage(), e);
        }
        return result;
    }

    /** Writes the unit's batch as one RocksDB write, then its counts; then tells the observer. */
    private void commit(Unit done) {
        if (done.batch.count() == 0) {
            return;
        }
        unit = null; // from here on this thread writes to the database itself
        write(() -> {
            counters.entriesWritten.add(done.batch.count());
            // (a WriteBatchWithIndex does not tell its data size: the unit's bytes are not counted)
            ReplicatedLog log = replication;
            if (log == null) {
                db.write(writeOptions, done.batch);
            }
            else {
                try (WriteBatch plain = plainCopy(done.batch)) {
                    log.append(plain.data());
                }
            }
        });
        dropAfterUnit(done.drops);
        counts.add(done.delta);
        if (done.recount) {
            counts.recount(db, values);
        }
        if (observer.observing()) {
            done.changed.forEach((key, live) -> observer.changed(key.bytes(), live));
        }
    }

    @Override
    public boolean inAtomicUnit() {
        return currentUnit() != null;
    }

    @Override
    public void announceNewKeys(java.util.function.Consumer<byte[]> listener) {
        this.newKeys = listener;
    }

    private static void announceNew(java.util.function.Consumer<byte[]> announce, byte[] key) {
        if (key.length > 0 && key[0] != (byte) 0xFF) { // not the server's own keys
            announce.accept(key);
        }
    }

    @Override
    public void observe(WriteObserver watcher) {
        this.observer = watcher;
    }

    /** The unit the calling thread has open, or null. */
    private Unit currentUnit() {
        Unit open = unit;
        return open != null && open.owner == Thread.currentThread() ? open : null;
    }

    /** An open atomic unit: its batch, and what it changes once written. */
    private static final class Unit {
        final Thread owner = Thread.currentThread();
        /** Overwrite mode: a key's last write in the batch is what reads through it see. */
        final WriteBatchWithIndex batch = new WriteBatchWithIndex(true);
        final long[] delta = new long[2 * 256];
        /** Changed keys for the observer, each with whether it is live at the end. */
        final Map<ByteKey, Boolean> changed = new java.util.LinkedHashMap<>();
        boolean recount;
        /** Versions of hashes the unit dropped: their fields go in range deletions once it is written. */
        final List<byte[]> drops = new ArrayList<>();
    }

    /**
     * Drops the fields of the hash {@code current} (its raw entry) in {@code batch}: one range
     * deletion over every version of the key outside a unit; inside one, whose batch takes no
     * range deletion, the dropped version is noted and its range deleted once the unit is
     * written (its fields are invisible meanwhile: the key's next hash has a new version).
     */
    private void dropHash(AbstractWriteBatch batch, Entry current) throws RocksDBException {
        Unit open = currentUnit();
        if (open == null) {
            hashes.drop(batch, current.key());
        }
        else {
            open.drops.add(HashStorage.versionPrefix(current.key(), HashMeta.of(current).version()));
        }
    }

    /** The range deletions of the hash versions a unit dropped, after its batch (caller holds writeOrder). */
    private void dropAfterUnit(List<byte[]> versions) {
        if (versions.isEmpty()) {
            return;
        }
        write(() -> {
            try (WriteBatch batch = new WriteBatch()) {
                for (byte[] version : versions) {
                    hashes.dropVersion(batch, version);
                }
                commit(batch);
            }
        });
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
            values.close();
            expires.close();
            hashes.family().close();
            db.close();
            writeOptions.close();
            readOptions.close();
            options.close();
            valueOptions.close();
            indexOptions.close();
            blockCache.close();
            log.info("RocksDB closed cleanly");
        }
        finally {
            lifecycle.writeLock().unlock();
        }
    }

    /**
     * Writes {@code batch} through the log, counting what it holds; in cluster mode through the
     * Raft log instead, returning once this node has applied it ({@link #applyReplicated}).
     */
    private void commit(WriteBatch batch) throws RocksDBException {
        counters.entriesWritten.add(batch.count());
        counters.bytesWritten.add(batch.getDataSize());
        ReplicatedLog log = replication;
        if (log != null) {
            log.append(batch.data());
            return;
        }
        db.write(writeOptions, batch);
    }

    /** The unit's batch as a plain one (a WriteBatchWithIndex does not give its bytes): each key's last write. */
    private WriteBatch plainCopy(WriteBatchWithIndex indexed) throws RocksDBException {
        WriteBatch plain = new WriteBatch();
        for (ColumnFamilyHandle family : List.of(values, expires, hashes.family())) {
            try (org.rocksdb.WBWIRocksIterator each = indexed.newIterator(family)) {
                for (each.seekToFirst(); each.isValid(); each.next()) {
                    org.rocksdb.WBWIRocksIterator.WriteEntry entry = each.entry();
                    byte[] key = bytes(entry.getKey().data());
                    switch (entry.getType()) {
                        case PUT -> plain.put(family, key, bytes(entry.getValue().data()));
                        case DELETE, SINGLE_DELETE -> plain.delete(family, key);
                        default -> throw new StoreException("unexpected " + entry.getType() + " in an atomic unit", null);
                    }
                }
            }
        }
        return plain;
    }

    private static byte[] bytes(java.nio.ByteBuffer buffer) {
        byte[] copy = new byte[buffer.remaining()];
        buffer.get(copy);
        return copy;
    }

    // Cluster mode (kv.server.raft): the write path ends in a Raft log entry, applied here.

    /**
     * From now on every write becomes a log entry of {@code log}, applied by
     * {@link #applyReplicated} on every member; the writer's in-memory bookkeeping (counts,
     * changed keys) happens as before, once its entry is applied here.
     */
    public void replicateThrough(ReplicatedLog log) {
        this.replication = log;
    }

    /** Tells {@code listener} of the keys entries this node did not compute change (see {@link ReplicatedWrites}). */
    public void onReplicatedWrites(ReplicatedWrites listener) {
        replicatedWrites.add(listener);
    }

    @Override
    public boolean acceptsWrites() {
        ReplicatedLog log = replication;
        return log == null || log.leads();
    }

    /**
     * Applies a committed log entry: {@code batch} (a write batch's bytes, may be empty) plus
     * {@code serverKeys} (the server's own keys, 0xFF..., such as the applied index) in one
     * RocksDB write, so that the entry and the record of having applied it land together. A
     * {@code foreign} entry is one no writer of this process waits for: what that writer would
     * have kept in memory is derived from the batch here (see {@link ForeignBatch}). Runs on
     * Raft's apply thread, without {@link #writeOrder} (the leader's writer holds it while it
     * waits for this).
     */
    public void applyReplicated(byte[] batch, Map<byte[], byte[]> serverKeys, boolean foreign) {
        read(() -> {
            try (WriteBatch write = batch.length == 0 ? new WriteBatch() : new WriteBatch(batch)) {
                ForeignBatch seen = foreign ? ForeignBatch.of(write, values.getID()) : null;
                List<byte[]> keys = seen == null ? List.of() : seen.keys();
                List<byte[]> before = keys.isEmpty() ? List.of()
                        : db.multiGetAsList(readOptions, java.util.Collections.nCopies(keys.size(), values), keys);
                List<byte[]> flushed = new ArrayList<>();
                if (seen != null) {
                    for (byte[][] range : seen.ranges) {
                        flushed.addAll(liveObserved(rangePrefix(range[0], range[1])));
                    }
                }
                for (Map.Entry<byte[], byte[]> server : serverKeys.entrySet()) {
                    write.put(values, server.getKey(), server.getValue());
                }
                db.write(writeOptions, write);
                lastWriteError = null;
                if (seen != null) {
                    keepForeign(seen, keys, before, flushed);
                }
            }
            catch (RocksDBException e) {
                lastWriteError = e.getMessage();
                throw new StoreException("applying a log entry failed: " + e.getMessage(), e);
            }
            return null;
        });
    }

    /** The prefix a deleted range covers: a database's, or every database's. */
    private static byte[] rangePrefix(byte[] from, byte[] to) {
        return Arrays.equals(to, successor(from)) ? from : new byte[0];
    }

    /** What a writer keeps in memory after a write, derived from a batch another node computed. */
    private void keepForeign(ForeignBatch seen, List<byte[]> keys, List<byte[]> before, List<byte[]> flushed) {
        long now = clock.millis();
        for (byte[][] range : seen.ranges) {
            byte[] from = range[0];
            byte[] to = range[1];
            if (from.length <= 1 && to.length <= 1) { // whole databases
                int last = to.length == 0 ? 255 : (to[0] & 0xFF) - 1;
                for (int database = from.length == 0 ? 0 : from[0] & 0xFF; database <= last; database++) {
                    counts.clear(database);
                }
            }
            else {
                counts.recount(db, values);
            }
        }
        long[] delta = new long[2 * 256];
        List<byte[]> changedKeys = new ArrayList<>();
        java.util.function.Consumer<byte[]> announce = newKeys;
        for (int i = 0; i < keys.size(); i++) {
            byte[] key = keys.get(i);
            Entry was = StoredValue.decode(key, before.get(i));
            byte[] stored = seen.after.get(new ByteKey(key));
            Entry is = stored == null ? null : StoredValue.decode(key, stored);
            count(delta, key, was, is);
            if (key.length > 0 && key[0] == (byte) 0xFF) {
                continue; // the server's own keys
            }
            if (was != null || is != null) {
                changedKeys.add(key);
                if (observer.observing()) {
                    observer.changed(key, is != null && !is.expiredAt(now));
                }
            }
            if (announce != null && is != null && (was == null || was.expiredAt(now))) {
                announceNew(announce, key);
            }
        }
        counts.add(delta);
        for (byte[] key : flushed) {
            observer.changed(key, false);
        }
        for (ReplicatedWrites listener : replicatedWrites) {
            if (!seen.ranges.isEmpty()) {
                listener.flushed();
            }
            if (!changedKeys.isEmpty()) {
                listener.written(changedKeys);
            }
        }
    }

    /** The stored bytes of one of the server's own keys (0xFF...), or null. */
    public byte[] serverValue(byte[] key) {
        return fetch(values, key);
    }

    /** The server's own keys starting with {@code prefix} and their values. */
    public Map<ByteKey, byte[]> serverValues(byte[] prefix) {
        return read(() -> {
            Map<ByteKey, byte[]> found = new java.util.LinkedHashMap<>();
            try (RocksIterator each = db.newIterator(values, readOptions)) {
                for (each.seek(prefix); each.isValid() && startsWith(each.key(), prefix); each.next()) {
                    found.put(new ByteKey(each.key()), each.value());
                }
            }
            return found;
        });
    }

    /**
     * Writes a RocksDB checkpoint of the whole store (every column family, the applied index
     * with the data) into {@code target}, which must not exist: hard links to the table files,
     * so it costs little space until compaction replaces them. Unlike {@link #checkpoint}, it
     * does not wait for the write order: a Raft snapshot is taken on the thread that applies the
     * log, which a writer holding the write order waits for (cluster mode).
     */
    public void checkpointApplied(Path target) {
        read(() -> {
            try (org.rocksdb.Checkpoint checkpoint = org.rocksdb.Checkpoint.create(db)) {
                checkpoint.createCheckpoint(target.toString());
            }
            catch (RocksDBException e) {
                throw new StoreException("checkpoint failed: " + e.getMessage(), e);
            }
            return null;
        });
    }

    /**
     * Replaces everything the store holds by the contents of the checkpoint in {@code source}
     * (a snapshot installed from the leader): every column family emptied, then filled from the
     * checkpoint in batches; counts recounted, every listener told to forget all. Not atomic: a
     * crash in between leaves a partial copy, which the next start replaces again (the snapshot
     * stays on disk until a newer one, and its index is above what the partial copy records).
     */
    public void replaceWith(Path source) {
        synchronized (writeOrder) {
            read(() -> {
                List<ColumnFamilyHandle> handles = new ArrayList<>();
                try (DBOptions readOnly = new DBOptions();
                     RocksDB snapshot = RocksDB.openReadOnly(readOnly, source.toString(), List.of(
                             new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, valueOptions),
                             new ColumnFamilyDescriptor(EXPIRES_FAMILY, indexOptions),
                             new ColumnFamilyDescriptor(HashStorage.FAMILY, valueOptions)), handles)) {
                    List<ColumnFamilyHandle> mine = List.of(values, expires, hashes.family());
                    try (WriteBatch wipe = new WriteBatch()) {
                        for (ColumnFamilyHandle family : mine) {
                            wipe.deleteRange(family, new byte[0], END);
                        }
                        db.write(writeOptions, wipe);
                    }
                    for (int f = 0; f < mine.size(); f++) {
                        try (RocksIterator each = snapshot.newIterator(handles.get(f))) {
                            WriteBatch batch = new WriteBatch();
                            try {
                                for (each.seekToFirst(); each.isValid(); each.next()) {
                                    batch.put(mine.get(f), each.key(), each.value());
                                    if (batch.count() >= 10_000) {
                                        db.write(writeOptions, batch);
                                        batch.close();
                                        batch = new WriteBatch();
                                    }
                                }
                                db.write(writeOptions, batch);
                            }
                            finally {
                                batch.close();
                            }
                        }
                    }
                    handles.forEach(ColumnFamilyHandle::close);
                }
                catch (RocksDBException e) {
                    throw new StoreException("installing the snapshot in " + source + " failed: " + e.getMessage(), e);
                }
                counts.recount(db, values);
                expiryCursor = new byte[0];
                replicatedWrites.forEach(ReplicatedWrites::flushed);
                return null;
            });
        }
    }

    @Override
    public StoreCounters counters() {
        return counters;
    }

    /** A version no hash has had in this process, and (by the clock) none before it. Under writeOrder. */
    private long nextHashVersion() {
        lastHashVersion = Math.max(lastHashVersion + 1, System.currentTimeMillis() << 16);
        return lastHashVersion;
    }

    /** The live hash at {@code key}, null if absent; WRONGTYPE for a string. */
    private static HashMeta liveHash(Entry entry) {
        if (entry == null) {
            return null;
        }
        if (!entry.isHash()) {
            throw WrongTypeException.INSTANCE;
        }
        return HashMeta.of(entry);
    }

    @Override
    public List<byte[]> hashGet(byte[] key, List<byte[]> names) {
        Entry hash = get(key);
        if (hash == null) {
            return new ArrayList<>(java.util.Collections.nCopies(names.size(), (byte[]) null));
        }
        return hashGet(hash, names);
    }

    @Override
    public List<byte[]> hashGet(Entry hash, List<byte[]> names) {
        HashMeta meta = liveHash(hash);
        byte[] key = meta.origin();
        // Metadata and fields read one after the other, not in one snapshot: a hash dropped in
        // between shows its fields as absent, a state that was current at some moment of the read.
        return read(() -> hashes.get(readOptions, key, meta.version(), names));
    }

    @Override
    public List<Field> hashFields(byte[] key, byte[] from, int limit) {
        if (currentUnit() != null) { // the unit's own view: its batch over the database
            HashMeta meta = liveHash(get(key));
            return meta == null ? List.of() : read(() -> hashes.scan(readOptions, key, meta.version(), from, limit));
        }
        return read(() -> {
            org.rocksdb.Snapshot snapshot = db.getSnapshot();
            try (ReadOptions atSnapshot = new ReadOptions().setSnapshot(snapshot)) {
                counters.keysRead.increment();
                Entry entry = StoredValue.decode(key, db.get(values, atSnapshot, key));
                HashMeta meta = liveHash(entry == null || entry.expiredAt(clock.millis()) ? null : entry);
                return meta == null ? List.<Field>of() : hashes.scan(atSnapshot, key, meta.version(), from, limit);
            }
            catch (RocksDBException e) {
                throw new StoreException("read failed: " + e.getMessage(), e);
            }
            finally {
                db.releaseSnapshot(snapshot);
            }
        });
    }

    @Override
    public Field hashLastField(byte[] key) {
        HashMeta meta = liveHash(get(key));
        return meta == null ? null : read(() -> hashes.last(readOptions, key, meta.version()));
    }

    @Override
    public List<Field> hashUpdate(byte[] key, List<byte[]> names, Function<List<byte[]>, List<Field>> change) {
        synchronized (writeOrder) {
            Entry raw = rawGet(key);
            long now = clock.millis();
            Entry live = raw == null || raw.expiredAt(now) ? null : raw;
            HashMeta meta = liveHash(live);
            List<byte[]> current = meta == null ? new ArrayList<>(java.util.Collections.nCopies(names.size(), (byte[]) null))
                    : read(() -> hashes.get(readOptions, key, meta.version(), names));
            List<Field> writes = change.apply(current);
            if (writes.isEmpty()) {
                return writes;
            }
            Map<ByteKey, Boolean> present = new HashMap<>();
            for (int i = 0; i < names.size(); i++) {
                present.put(new ByteKey(names.get(i)), current.get(i) != null);
            }
            long version = meta == null ? nextHashVersion() : meta.version();
            byte[] prefix = HashStorage.versionPrefix(key, version);
            long[] delta = new long[2 * 256];
            Entry[] after = {null};
            write(() -> writeBatch(batch -> {
                if (raw != null && live == null) {
                    // past its expiry, not yet collected: it goes (fields, index entry) before the new hash is written
                    add(batch, Entry.deletion(key), raw, now);
                }
                long length = meta == null ? 0 : meta.length();
                boolean listpack = meta == null || meta.listpack();
                for (Field write : writes) {
                    ByteKey field = new ByteKey(write.name());
                    Boolean existed = present.get(field);
                    if (existed == null) {
                        throw new IllegalArgumentException("a hash write names a field it did not read");
                    }
                    if (write.value() == null) {
                        if (existed) {
                            hashes.delete(batch, prefix, write.name());
                            length--;
                            present.put(field, false);
                        }
                        continue;
                    }
                    hashes.put(batch, prefix, write.name(), write.value());
                    listpack &= write.name().length <= HashMeta.LISTPACK_VALUE
                            && write.value().length <= HashMeta.LISTPACK_VALUE;
                    if (!existed) {
                        length++;
                        present.put(field, true);
                    }
                }
                if (length == 0 && live == null) {
                    // deletions of fields a hash that does not exist never had: nothing to write
                }
                else if (length == 0) {
                    // its last field went: the metadata goes, no range deletion needed
                    batch.delete(values, key);
                    if (live.expires()) {
                        batch.delete(expires, StoredValue.indexKey(live.expireAt(), key));
                    }
                }
                else {
                    HashMeta updated = new HashMeta(version, length, listpack && length <= HashMeta.LISTPACK_ENTRIES, key);
                    after[0] = add(batch, new Entry(key, updated.payload(key), live == null ? Entry.NO_EXPIRY : live.expireAt(),
                            ValueType.HASH), live, now);
                }
                count(delta, key, raw, after[0]);
            }));
            addCounts(delta);
            java.util.function.Consumer<byte[]> announce = newKeys;
            if (announce != null && live == null && after[0] != null) {
                announceNew(announce, key); // the first field written created the hash
            }
            if (observer.observing() && (raw != null || after[0] != null)) {
                changed(key, after[0] != null); // a field write changes the hash: WATCH sees it
            }
            return writes;
        }
    }

    private interface RocksWrite {
        void run() throws RocksDBException;
    }

    /**
     * Every write runs under {@link #writeOrder}: a write that reads first ({@link #update}, the
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
        /** What has expired is judged at the snapshot's time, so the view stays consistent. */
        private final long now = clock.millis();

        @Override
        public long count(byte[] prefix, byte[] pattern) {
            try (CloseableIterator<Entry> entries = iterate(prefix, pattern, new byte[0], false)) {
                long count = 0;
                while (entries.hasNext()) {
                    entries.next();
                    count++;
                }
                return count;
            }
        }

        @Override
        public CloseableIterator<Entry> entries(byte[] prefix, byte[] pattern, byte[] from) {
            return iterate(prefix, pattern, from, true);
        }

        private CloseableIterator<Entry> iterate(byte[] keyPrefix, byte[] pattern, byte[] from, boolean withValues) {
            Glob glob = pattern == null ? null : Glob.of(pattern);
            byte[] literal = glob == null ? new byte[0] : glob.literalPrefix();
            byte[] prefix = concat(keyPrefix, literal);
            byte[] start = concat(keyPrefix, from);
            boolean inUnit = currentUnit() != null;
            RocksIterator iterator = iterator(values, options);
            iterator.seek(Arrays.compareUnsigned(start, prefix) > 0 ? start : prefix);
            int skip = keyPrefix.length;
            CloseableIterator<Entry> entries = new CloseableIterator<>() {
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
                        byte[] name = Arrays.copyOfRange(key, skip, key.length);
                        if (glob != null && !glob.matches(name)) {
                            continue;
                        }
                        byte[] stored = iterator.value();
                        long expireAt = StoredValue.expireAt(stored);
                        if (expireAt != Entry.NO_EXPIRY && expireAt <= now) {
                            continue;
                        }
                        if (StoredValue.isHash(stored)) { // read under its full key: where its fields are
                            Entry hash = StoredValue.decode(key, stored).withKey(name);
                            return withValues ? hash : new Entry(name, null, expireAt, ValueType.HASH);
                        }
                        return withValues ? StoredValue.decode(name, stored) : new Entry(name, null, expireAt);
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
            if (!inUnit) {
                return entries;
            }
            // Inside a unit the iterator reads the unit's batch, which ends with the unit: a
            // listing may be read after that (DUMP streams its reply), so it is copied now.
            List<Entry> copied = new ArrayList<>();
            try (entries) {
                entries.forEachRemaining(copied::add);
            }
            java.util.Iterator<Entry> each = copied.iterator();
            return new CloseableIterator<>() {
                @Override
                public boolean hasNext() {
                    return each.hasNext();
                }

                @Override
                public Entry next() {
                    return each.next();
                }

                @Override
                public void close() {
                }
            };
        }

        @Override
        public List<Field> hashFields(Entry hash) {
            HashMeta meta = HashMeta.of(hash);
            return read(() -> hashes.scan(options, meta.origin(), meta.version(), new byte[0], Integer.MAX_VALUE));
        }

        @Override
        public void close() {
            options.close();
            db.releaseSnapshot(snapshot);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] joined = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, joined, a.length, b.length);
        return joined;
    }

    private static boolean startsWith(byte[] key, byte[] prefix) {
        return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }
}
