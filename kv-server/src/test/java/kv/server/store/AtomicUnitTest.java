package kv.server.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import kv.server.config.Fsync;
import kv.server.store.KeyValueStore.Entry;
import kv.server.testing.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store's atomic unit ({@link KeyValueStore#atomically}), on RocksDB alone and with the value
 * cache in front: all or nothing, its own writes visible inside it, readers outside see all or
 * nothing, a throw rolls back, a nested unit joins.
 */
class AtomicUnitTest {

    private static final byte[] DB0 = {0};

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
    void aUnitSeesItsOwnWritesAndAppliesThemAllAtItsEnd(boolean cached) throws Exception {
        KeyValueStore store = store(cached);
        store.put(entry("a", "old"));
        store.put(entry("gone", "x"));
        assertThat(store.get(key("a"))).isNotNull(); // cached now, if cached
        String seenOutside = store.atomically(() -> {
            store.put(entry("a", "new"));
            store.putAll(List.of(entry("b", "1"), entry("c", "2")));
            store.delete(List.of(key("gone")));
            store.update(List.of(key("c")), current -> List.of(current.get(0).withValue(bytes("3"))));
            assertThat(text(store.get(key("a")))).isEqualTo("new");
            assertThat(store.getAll(List.of(key("a"), key("b"), key("c"), key("gone"))))
                    .extracting(AtomicUnitTest::text).containsExactly("new", "1", "3", null);
            assertThat(store.size(DB0)).as("counts inside the unit include its writes").isEqualTo(3);
            try (KeyValueStore.Snapshot snapshot = store.snapshot()) {
                assertThat(snapshot.count(DB0, null)).isEqualTo(3);
            }
            // Another thread reads RocksDB's committed state: the unit is not there yet.
            return CompletableFuture.supplyAsync(() -> text(rocks.get(key("a")))).join();
        });
        assertThat(seenOutside).isEqualTo("old");
        assertThat(store.getAll(List.of(key("a"), key("b"), key("c"), key("gone"))))
                .extracting(AtomicUnitTest::text).containsExactly("new", "1", "3", null);
        assertThat(store.size(DB0)).isEqualTo(3);
        rocks.close();
        rocks = new RocksDbStore(directory, Fsync.NO, clock);
        assertThat(rocks.getAll(List.of(key("a"), key("b"), key("c"), key("gone"))))
                .as("after reopening").extracting(AtomicUnitTest::text).containsExactly("new", "1", "3", null);
        assertThat(rocks.size(DB0)).isEqualTo(3);
    }

    @ParameterizedTest(name = "cached: {0}")
    @ValueSource(booleans = {false, true})
    void aUnitThatThrowsWritesNothing(boolean cached) {
        KeyValueStore store = store(cached);
        store.put(entry("a", "old"));
        assertThatThrownBy(() -> store.atomically(() -> {
            store.put(entry("a", "new"));
            store.put(entry("b", "new"));
            store.delete(List.of(key("a")));
            throw new IllegalStateException("boom");
        })).hasMessage("boom");
        assertThat(store.getAll(List.of(key("a"), key("b")))).extracting(AtomicUnitTest::text)
                .containsExactly("old", null);
        assertThat(store.size(DB0)).isEqualTo(1);
        assertThat(store.inAtomicUnit()).isFalse();
        store.put(entry("after", "x"));
        assertThat(store.size(DB0)).as("the store writes on after a rollback").isEqualTo(2);
    }

    @ParameterizedTest(name = "cached: {0}")
    @ValueSource(booleans = {false, true})
    void aNestedUnitJoinsTheOpenOneAndItsThrowUndoesOnlyItsOwnWrites(boolean cached) {
        KeyValueStore store = store(cached);
        store.atomically(() -> {
            store.put(entry("outer", "1"));
            String inner = store.atomically(() -> {
                store.put(entry("inner", "1"));
                assertThat(store.inAtomicUnit()).isTrue();
                return text(store.get(key("outer")));
            });
            assertThat(inner).as("the nested unit saw the outer one's write").isEqualTo("1");
            assertThatThrownBy(() -> store.atomically(() -> {
                store.put(entry("undone", "1"));
                store.delete(List.of(key("outer")));
                throw new IllegalArgumentException("nested");
            })).hasMessage("nested");
            assertThat(text(store.get(key("outer")))).isEqualTo("1");
            assertThat(store.get(key("undone"))).isNull();
            assertThat(store.size(DB0)).isEqualTo(2);
            return null;
        });
        assertThat(store.getAll(List.of(key("outer"), key("inner"), key("undone"))))
                .extracting(AtomicUnitTest::text).containsExactly("1", "1", null);
        assertThat(store.size(DB0)).isEqualTo(2);
    }

    /** A reader on another thread reads two keys that every unit writes together: never one without the other. */
    @ParameterizedTest(name = "cached: {0}")
    @ValueSource(booleans = {false, true})
    void readersOnOtherThreadsSeeAllOfAUnitOrNone(boolean cached) throws Exception {
        KeyValueStore store = store(cached);
        store.putAll(List.of(entry("x", "0"), entry("y", "0")));
        AtomicBoolean done = new AtomicBoolean();
        List<String> torn = new ArrayList<>();
        CompletableFuture<Integer> reader = CompletableFuture.supplyAsync(() -> {
            int reads = 0;
            while (!done.get() && reads < 1_000_000) {
                List<Entry> both = store.getAll(List.of(key("x"), key("y")));
                if (!text(both.get(0)).equals(text(both.get(1)))) {
                    torn.add(text(both.get(0)) + "/" + text(both.get(1)));
                }
                reads++;
            }
            return reads;
        });
        for (int i = 1; i <= 2000; i++) {
            String value = Integer.toString(i);
            store.atomically(() -> {
                store.put(entry("x", value));
                if (value.hashCode() % 2 == 0) {
                    store.update(List.of(key("y")), current -> List.of(entry("y", value)));
                }
                else {
                    store.putAll(List.of(entry("y", value)));
                }
                return null;
            });
        }
        done.set(true);
        assertThat(reader.get(60, TimeUnit.SECONDS)).isPositive();
        assertThat(torn).as("reads that saw half a unit").isEmpty();
        assertThat(store.getAll(List.of(key("x"), key("y")))).extracting(AtomicUnitTest::text)
                .containsExactly("2000", "2000");
    }

    @ParameterizedTest(name = "cached: {0}")
    @ValueSource(booleans = {false, true})
    void aFlushInsideAUnitDeletesWhatTheUnitAndTheDatabaseHeld(boolean cached) {
        KeyValueStore store = store(cached);
        store.putAll(List.of(entry("a", "1"), new Entry(key("b"), bytes("2"), clock.millis() + 60_000),
                new Entry(new byte[] {1, 'z'}, bytes("other database"))));
        store.atomically(() -> {
            store.put(entry("c", "3"));
            store.clear(DB0);
            assertThat(store.size(DB0)).isZero();
            assertThat(store.getAll(List.of(key("a"), key("b"), key("c")))).containsOnlyNulls();
            store.put(entry("d", "4"));
            return null;
        });
        assertThat(store.getAll(List.of(key("a"), key("b"), key("c"), key("d"))))
                .extracting(AtomicUnitTest::text).containsExactly(null, null, null, "4");
        assertThat(store.size(DB0)).isEqualTo(1);
        assertThat(store.expiring(DB0)).isZero();
        assertThat(store.size(new byte[] {1})).isEqualTo(1);
        store.atomically(() -> {
            store.clear();
            return null;
        });
        assertThat(store.size(DB0)).isZero();
        assertThat(store.size(new byte[] {1})).isZero();
        assertThat(store.get(new byte[] {1, 'z'})).isNull();
    }

    @ParameterizedTest(name = "cached: {0}")
    @ValueSource(booleans = {false, true})
    void expiryTimesWrittenInAUnitAreIndexedForTheActiveCycle(boolean cached) {
        KeyValueStore store = store(cached);
        store.atomically(() -> {
            store.put(new Entry(key("t"), bytes("v"), clock.millis() + 1000));
            assertThat(store.expiring(DB0)).isEqualTo(1);
            assertThat(store.expireDue(clock.millis() + 5000, 100)).as("no active expiry inside a unit").isEmpty();
            return null;
        });
        assertThat(store.expiring(DB0)).isEqualTo(1);
        assertThat(store.expireDue(clock.millis() + 5000, 100)).extracting(AtomicUnitTest::string).containsExactly("\0t");
        assertThat(store.size(DB0)).isZero();
    }

    @ParameterizedTest(name = "cached: {0}")
    @ValueSource(booleans = {false, true})
    void theObserverHearsOfAUnitsChangesOnlyWhenItCommits(boolean cached) {
        KeyValueStore store = store(cached);
        List<String> heard = new ArrayList<>();
        store.observe(new WriteObserver() {
            @Override
            public boolean observing() {
                return true;
            }

            @Override
            public void changed(byte[] key, boolean live) {
                heard.add(string(key) + (live ? "+" : "-"));
            }

            @Override
            public List<byte[]> observed(byte[] prefix) {
                return List.of(key("a"), key("absent"));
            }
        });
        store.put(entry("a", "1"));
        store.delete(List.of(key("never"))); // deleting what is not there changes nothing
        assertThat(heard).containsExactly("\0a+");
        heard.clear();
        store.atomically(() -> {
            store.put(entry("b", "1"));
            store.delete(List.of(key("a")));
            assertThat(heard).as("nothing before the commit").isEmpty();
            return null;
        });
        assertThat(heard).containsExactly("\0b+", "\0a-");
        heard.clear();
        assertThatThrownBy(() -> store.atomically(() -> {
            store.put(entry("c", "1"));
            throw new IllegalStateException();
        }));
        assertThat(heard).as("a rolled back unit changed nothing").isEmpty();
        store.put(entry("a", "2"));
        heard.clear();
        store.clear(DB0);
        assertThat(heard).as("a flush changes the observed keys that existed").containsExactly("\0a-");
    }

    private static Entry entry(String name, String value) {
        return new Entry(key(name), bytes(value));
    }

    private static byte[] key(String name) {
        byte[] key = new byte[name.length() + 1];
        System.arraycopy(bytes(name), 0, key, 1, name.length());
        return key;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(UTF_8);
    }

    private static String string(byte[] bytes) {
        return new String(bytes, UTF_8);
    }

    private static String text(Entry entry) {
        return entry == null ? null : string(entry.value());
    }
}
