package kv.server.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import kv.server.config.Fsync;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The value cache in front of RocksDB never answers with a value older than the store's. */
class CachedStoreTest {

    @TempDir
    Path directory;

    RocksDbStore rocks;

    @BeforeEach
    void open() {
        rocks = new RocksDbStore(directory, Fsync.NO);
    }

    @AfterEach
    void close() {
        rocks.close();
    }

    @Test
    void readsSeeEveryWriteDeleteAndClear() {
        CachedStore store = new CachedStore(rocks, 1024 * 1024);
        assertThat(store.get(bytes("k"))).as("absent, and remembered as absent").isNull();
        store.put(new KeyValueStore.Entry(bytes("k"), bytes("1")));
        assertThat(value(store.get(bytes("k")))).isEqualTo(bytes("1"));
        store.putAll(List.of(new KeyValueStore.Entry(bytes("k"), bytes("2")), new KeyValueStore.Entry(bytes("j"), bytes("3"))));
        assertThat(store.getAll(List.of(bytes("k"), bytes("j"), bytes("x")))).extracting(CachedStoreTest::value)
                .containsExactly(bytes("2"), bytes("3"), null);
        assertThat(store.delete(List.of(bytes("k"), bytes("x")))).isEqualTo(1);
        assertThat(store.get(bytes("k"))).isNull();
        store.clear();
        assertThat(store.get(bytes("j"))).isNull();
        assertThat(rocks.get(bytes("j"))).isNull();
    }

    @Test
    void aValueLongerThanTheLimitIsServedFromTheStoreAndNeverLeavesAnOlderValueCached() {
        CachedStore store = new CachedStore(rocks, 64L * 1024 * 1024);
        byte[] big = new byte[CachedStore.MAX_CACHED_VALUE + 1];
        big[big.length - 1] = 7;
        store.put(new KeyValueStore.Entry(bytes("k"), bytes("small")));
        assertThat(value(store.get(bytes("k")))).isEqualTo(bytes("small"));
        assertThat(store.cachedBytes()).as("the small value is cached").isPositive().isLessThan(1024);

        store.put(new KeyValueStore.Entry(bytes("k"), big));
        assertThat(store.cachedBytes()).as("the big write dropped the small value and is not held").isZero();
        assertThat(value(store.get(bytes("k")))).isEqualTo(big);
        assertThat(store.getAll(List.of(bytes("k")))).extracting(CachedStoreTest::value).containsExactly(big);
        assertThat(store.cachedBytes()).as("nor is it cached when read").isZero();

        store.put(new KeyValueStore.Entry(bytes("k"), bytes("small again")));
        assertThat(value(store.get(bytes("k")))).isEqualTo(bytes("small again"));
    }

    /**
     * A reader fetches the old value from RocksDB; before it can cache it, a write replaces the
     * value and the write's cache entry is evicted. The reader must not cache the old value. The
     * last read must reach the store: had the fresh entry not been evicted, the race would not
     * have been set up, and the test says so instead of passing.
     */
    @Test
    void aReadRacingAWriteNeverCachesTheOldValue() throws Exception {
        CountDownLatch fetched = new CountDownLatch(1);
        CountDownLatch writeDone = new CountDownLatch(1);
        AtomicInteger readsOfK = new AtomicInteger();
        KeyValueStore slowReads = new ForwardingStore(rocks) {
            @Override
            public KeyValueStore.Entry get(byte[] key) {
                KeyValueStore.Entry value = super.get(key);
                if (new String(key, UTF_8).equals("k") && readsOfK.incrementAndGet() == 1) {
                    fetched.countDown();
                    await(writeDone);
                }
                return value;
            }
        };
        CachedStore store = new CachedStore(slowReads, 400); // room for about two entries
        rocks.put(new KeyValueStore.Entry(bytes("k"), bytes("old")));

        CompletableFuture<byte[]> read = CompletableFuture.supplyAsync(() -> value(store.get(bytes("k"))));
        assertThat(fetched.await(5, TimeUnit.SECONDS)).isTrue();
        store.put(new KeyValueStore.Entry(bytes("k"), bytes("new")));
        for (int i = 0; i < 20; i++) {
            store.put(new KeyValueStore.Entry(bytes("filler" + i), new byte[100])); // evicts k's fresh entry
        }
        writeDone.countDown();

        assertThat(read.get(5, TimeUnit.SECONDS)).as("the racing read itself may answer the old value").isEqualTo(bytes("old"));
        assertThat(value(store.get(bytes("k")))).as("but it is not cached").isEqualTo(bytes("new"));
        assertThat(readsOfK).as("the read after the race reached the store: k's fresh entry had been evicted").hasValue(2);
    }

    private static byte[] value(KeyValueStore.Entry entry) {
        return entry == null ? null : entry.value();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(UTF_8);
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(5, TimeUnit.SECONDS)).isTrue();
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
