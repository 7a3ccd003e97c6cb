package kv.server.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import kv.server.config.Fsync;
import kv.server.store.KeyValueStore.Entry;
import kv.server.testing.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/** Expiry in the store, with and without the value cache in front, on a clock the test moves. */
class ExpiringStoreTest {

    @TempDir
    Path directory;

    ManualClock clock = new ManualClock(1_000_000);
    RocksDbStore rocks;

    @BeforeEach
    void open() {
        rocks = new RocksDbStore(directory, Fsync.NO, clock);
    }

    @AfterEach
    void close() {
        rocks.close();
    }

    private KeyValueStore store(boolean cached) {
        return cached ? new CachedStore(rocks, 1024 * 1024, clock) : rocks;
    }

    @ParameterizedTest(name = "cached: {0}")
    @ValueSource(booleans = {false, true})
    void aKeyIsReadUntilItsExpiryAndNeverAfter(boolean cached) {
        KeyValueStore store = store(cached);
        store.put(new Entry(bytes("k"), bytes("v"), clock.millis() + 1000));
        store.put(new Entry(bytes("forever"), bytes("v")));
        assertThat(store.get(bytes("k")).expireAt()).isEqualTo(clock.millis() + 1000);
        clock.advance(Duration.ofMillis(999));
        assertThat(store.get(bytes("k"))).isNotNull();
        clock.advance(Duration.ofMillis(1));
        assertThat(store.get(bytes("k"))).as("at its expiry time the key is gone").isNull();
        assertThat(store.getAll(List.of(bytes("k"), bytes("forever")))).extracting(ExpiringStoreTest::text)
                .containsExactly(null, "v");
        assertThat(store.countExisting(List.of(bytes("k"), bytes("forever")))).isEqualTo(1);
        assertThat(store.delete(List.of(bytes("k")))).as("an expired key does not count as deleted").isZero();
        try (KeyValueStore.Snapshot snapshot = store.snapshot()) {
            assertThat(snapshot.count(new byte[0], null)).isEqualTo(1);
        }
    }

    @ParameterizedTest(name = "cached: {0}")
    @ValueSource(booleans = {false, true})
    void aWriteWithAnExpiryAlreadyPastDeletesTheKey(boolean cached) {
        KeyValueStore store = store(cached);
        store.put(new Entry(bytes("k"), bytes("v")));
        store.putAll(List.of(new Entry(bytes("k"), bytes("v2"), clock.millis() - 1)));
        assertThat(store.get(bytes("k"))).isNull();
        assertThat(rocks.expireDue(clock.millis(), 100)).as("nothing was indexed").isEmpty();
    }

    @ParameterizedTest(name = "cached: {0}")
    @ValueSource(booleans = {false, true})
    void theActiveCycleDeletesDueKeysOldestFirstInSlices(boolean cached) {
        KeyValueStore store = store(cached);
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            entries.add(new Entry(bytes("k" + i), bytes("v"), clock.millis() + 1000 + i));
        }
        store.putAll(entries);
        store.put(new Entry(bytes("later"), bytes("v"), clock.millis() + 10_000));
        assertThat(store.expireDue(clock.millis(), 100)).as("nothing due yet").isEmpty();
        clock.advance(Duration.ofSeconds(2));
        List<byte[]> first = store.expireDue(clock.millis(), 100);
        assertThat(first).hasSize(100);
        assertThat(new String(first.get(0), UTF_8)).isEqualTo("k0");
        assertThat(store.expireDue(clock.millis(), 100)).hasSize(100);
        assertThat(store.expireDue(clock.millis(), 100)).hasSize(50);
        assertThat(store.expireDue(clock.millis(), 100)).isEmpty();
        assertThat(store.get(bytes("later"))).isNotNull();
        assertThat(rocks.get(bytes("k7"))).isNull();
    }

    @ParameterizedTest(name = "cached: {0}")
    @ValueSource(booleans = {false, true})
    void aKeyWrittenAgainIsNotDeletedByItsOldExpiry(boolean cached) {
        KeyValueStore store = store(cached);
        store.put(new Entry(bytes("k"), bytes("v1"), clock.millis() + 1000));
        store.put(new Entry(bytes("k"), bytes("v2"))); // a plain SET: no expiry any more
        store.put(new Entry(bytes("j"), bytes("v1"), clock.millis() + 1000));
        store.put(new Entry(bytes("j"), bytes("v2"), clock.millis() + 5000));
        clock.advance(Duration.ofSeconds(2));
        assertThat(store.expireDue(clock.millis(), 100)).as("both index entries are leftovers").isEmpty();
        assertThat(text(store.get(bytes("k")))).isEqualTo("v2");
        assertThat(text(store.get(bytes("j")))).isEqualTo("v2");
        clock.advance(Duration.ofSeconds(3));
        assertThat(store.expireDue(clock.millis(), 100)).extracting(ExpiringStoreTest::string).containsExactly("j");
    }

    @ParameterizedTest(name = "cached: {0}")
    @ValueSource(booleans = {false, true})
    void updateSeesWhatIsLiveAndChangesTheExpiry(boolean cached) {
        KeyValueStore store = store(cached);
        store.put(new Entry(bytes("k"), bytes("v"), clock.millis() + 1000));
        Function<List<Entry>, List<Entry>> persist = current -> List.of(current.get(0).withExpiry(Entry.NO_EXPIRY));
        store.update(List.of(bytes("k")), persist);
        clock.advance(Duration.ofSeconds(5));
        assertThat(store.expireDue(clock.millis(), 100)).isEmpty();
        assertThat(store.get(bytes("k")).expires()).isFalse();
        store.update(List.of(bytes("k")), current -> List.of(current.get(0).withExpiry(clock.millis() + 10)));
        clock.advance(Duration.ofMillis(10));
        List<Entry> seen = new ArrayList<>();
        store.update(List.of(bytes("k")), current -> {
            seen.addAll(current);
            return List.of();
        });
        assertThat(seen).as("an expired key is absent to an update").containsExactly((Entry) null);
    }

    @ParameterizedTest(name = "cached: {0}")
    @ValueSource(booleans = {false, true})
    void clearingADatabasePrefixLeavesTheOthers(boolean cached) {
        KeyValueStore store = store(cached);
        store.put(new Entry(new byte[] {0, 'a'}, bytes("0")));
        store.put(new Entry(new byte[] {1, 'a'}, bytes("1"), clock.millis() + 1000));
        store.put(new Entry(new byte[] {2, 'a'}, bytes("2")));
        store.clear(new byte[] {1});
        assertThat(store.get(new byte[] {1, 'a'})).isNull();
        assertThat(text(store.get(new byte[] {0, 'a'}))).isEqualTo("0");
        assertThat(text(store.get(new byte[] {2, 'a'}))).isEqualTo("2");
        clock.advance(Duration.ofSeconds(2));
        assertThat(store.expireDue(clock.millis(), 100)).as("the flushed key's index entry is a leftover").isEmpty();
        store.clear();
        assertThat(store.get(new byte[] {0, 'a'})).isNull();
    }

    @ParameterizedTest(name = "cached: {0}")
    @ValueSource(booleans = {false, true})
    void expiryTimesSurviveAReopen(boolean cached) {
        KeyValueStore store = store(cached);
        long at = clock.millis() + 60_000;
        store.put(new Entry(bytes("k"), bytes("v"), at));
        rocks.close();
        rocks = new RocksDbStore(directory, Fsync.NO, clock);
        assertThat(rocks.get(bytes("k")).expireAt()).isEqualTo(at);
        clock.advance(Duration.ofMinutes(2));
        assertThat(rocks.expireDue(clock.millis(), 10)).extracting(ExpiringStoreTest::string).containsExactly("k");
    }

    @ParameterizedTest(name = "cached: {0}")
    @ValueSource(booleans = {false, true})
    void everyWriteKeepsThePerDatabaseCountsThatDbsizeAnswers(boolean cached) {
        KeyValueStore store = store(cached);
        byte[] zero = {0};
        byte[] one = {1};
        store.putAll(List.of(new Entry(new byte[] {0, 'a'}, bytes("1")), new Entry(new byte[] {0, 'a'}, bytes("2")),
                new Entry(new byte[] {0, 'b'}, bytes("1"), clock.millis() + 1000), new Entry(new byte[] {1, 'a'}, bytes("1"))));
        assertThat(store.size(zero)).as("a key written twice in one batch counts once").isEqualTo(2);
        assertThat(store.expiring(zero)).isEqualTo(1);
        assertThat(store.size(one)).isEqualTo(1);
        store.put(new Entry(new byte[] {0, 'b'}, bytes("2"))); // overwritten without expiry
        assertThat(store.expiring(zero)).isZero();
        store.update(List.of(new byte[] {0, 'b'}), current -> List.of(current.get(0).withExpiry(clock.millis() + 10)));
        assertThat(store.expiring(zero)).isEqualTo(1);
        clock.advance(Duration.ofMillis(10));
        assertThat(store.size(zero)).as("counted until the cycle deletes it, as in Redis").isEqualTo(2);
        assertThat(store.expireDue(clock.millis(), 10)).hasSize(1);
        assertThat(store.size(zero)).isEqualTo(1);
        assertThat(store.expiring(zero)).isZero();
        assertThat(store.delete(List.of(new byte[] {0, 'a'}, new byte[] {0, 'x'}))).isEqualTo(1);
        assertThat(store.size(zero)).isZero();
        store.put(new Entry(new byte[] {0, 'c'}, bytes("1"), clock.millis() + 60_000));
        rocks.close();
        rocks = new RocksDbStore(directory, Fsync.NO, clock);
        assertThat(rocks.size(zero)).as("counted again on opening").isEqualTo(1);
        assertThat(rocks.expiring(zero)).isEqualTo(1);
        assertThat(rocks.size(one)).isEqualTo(1);
        rocks.clear(one);
        assertThat(rocks.size(one)).isZero();
        rocks.clear();
        assertThat(rocks.size(zero)).isZero();
    }

    /** Regression (found by RedisParityTest's random streams): GETEX PXAT 1, then PSETEX, counted no key. */
    @ParameterizedTest(name = "cached: {0}")
    @ValueSource(booleans = {false, true})
    void aKeyExpiredByAnUpdateAndWrittenAgainCountsOnce(boolean cached) {
        KeyValueStore store = store(cached);
        byte[] key = {0, 'c'};
        store.put(new Entry(key, bytes("v")));
        store.update(List.of(key), current -> List.of(current.get(0).withExpiry(1)));
        assertThat(store.size(new byte[] {0})).isZero();
        store.putAll(List.of(new Entry(key, bytes("w"), clock.millis() + 100_000)));
        assertThat(store.size(new byte[] {0})).isEqualTo(1);
        assertThat(store.expiring(new byte[] {0})).isEqualTo(1);
    }

    private static String text(Entry entry) {
        return entry == null ? null : new String(entry.value(), UTF_8);
    }

    private static String string(byte[] bytes) {
        return new String(bytes, UTF_8);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(UTF_8);
    }
}
