package kv.server.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import kv.server.config.Fsync;
import kv.server.store.KeyValueStore.Entry;
import kv.server.store.KeyValueStore.Field;
import kv.server.testing.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hashes in the store (RocksDB, with and without the value cache in front): fields survive a
 * restart, the metadata counts them, an entry written back under another key (RENAME, COPY)
 * brings its fields, and a string read of a hash is WRONGTYPE.
 */
class HashStoreTest {

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
    void aHashAndItsExpirySurviveARestart(boolean cached) {
        KeyValueStore store = store(cached);
        set(store, "\0user:1", "name", "ada", "lang", "en");
        set(store, "\0user:2", "name", "bob");
        store.update(List.of(bytes("\0user:2")), current -> List.of(current.get(0).withExpiry(clock.millis() + 60_000)));

        rocks.close();
        rocks = new RocksDbStore(directory, Fsync.NO, clock);
        store = store(cached);

        assertThat(values(store.hashGet(bytes("\0user:1"), List.of(bytes("name"), bytes("lang"), bytes("zz")))))
                .containsExactly("ada", "en", null);
        assertThat(HashMeta.of(store.get(bytes("\0user:1"))).length()).isEqualTo(2);
        assertThat(store.get(bytes("\0user:2")).expireAt()).isEqualTo(clock.millis() + 60_000);
        assertThat(store.size(new byte[] {0})).as("two keys, counted again at start-up").isEqualTo(2);
        assertThat(store.expiring(new byte[] {0})).isEqualTo(1);
    }

    @ParameterizedTest(name = "cached: {0}")
    @ValueSource(booleans = {false, true})
    void aHashWrittenUnderAnotherKeyBringsItsFieldsAndTheSourceCanGo(boolean cached) {
        KeyValueStore store = store(cached);
        set(store, "\0a", "f", "1", "g", "2");
        byte[] a = bytes("\0a");
        byte[] b = bytes("\0b");
        store.update(List.of(a, b), current -> List.of(Entry.deletion(a), current.get(0).withKey(b))); // RENAME
        assertThat(store.get(a)).isNull();
        assertThat(fields(store, "\0b")).containsExactly("f=1", "g=2");

        store.update(List.of(b), current -> List.of(current.get(0).withKey(bytes("\1c")))); // COPY to db 1
        set(store, "\1c", "h", "3");
        assertThat(fields(store, "\1c")).containsExactly("f=1", "g=2", "h=3");
        assertThat(fields(store, "\0b")).as("a copy's fields are its own").containsExactly("f=1", "g=2");
        assertThat(HashMeta.of(store.get(bytes("\1c"))).length()).isEqualTo(3);

        store.clear(new byte[] {1});
        assertThat(fields(store, "\1c")).isEmpty();
        assertThat(fields(store, "\0b")).containsExactly("f=1", "g=2");
    }

    @ParameterizedTest(name = "cached: {0}")
    @ValueSource(booleans = {false, true})
    void aStringReadOfAHashAndAHashReadOfAStringAreWrongType(boolean cached) {
        KeyValueStore store = store(cached);
        set(store, "\0h", "f", "v");
        store.put(new Entry(bytes("\0s"), bytes("x")));
        Entry hash = store.get(bytes("\0h"));
        assertThat(hash.isHash()).isTrue();
        assertThatThrownBy(hash::value).isSameAs(WrongTypeException.INSTANCE);
        assertThatThrownBy(() -> store.hashGet(bytes("\0s"), List.of(bytes("f")))).isInstanceOf(WrongTypeException.class);
        assertThatThrownBy(() -> store.hashFields(bytes("\0s"), new byte[0], 10)).isInstanceOf(WrongTypeException.class);
        assertThatThrownBy(() -> set(store, "\0s", "f", "v")).isInstanceOf(WrongTypeException.class);
        assertThat(store.get(bytes("\0s")).value()).as("nothing written").isEqualTo(bytes("x"));
    }

    @ParameterizedTest(name = "cached: {0}")
    @ValueSource(booleans = {false, true})
    void aSnapshotListsAHashWithItsFieldsAsTheyWereWhenItWasTaken(boolean cached) {
        KeyValueStore store = store(cached);
        set(store, "\0h", "a", "1", "b", "2");
        try (KeyValueStore.Snapshot snapshot = store.snapshot()) {
            set(store, "\0h", "c", "3");
            store.delete(List.of(bytes("\0h")));
            try (KeyValueStore.CloseableIterator<Entry> entries = snapshot.entries(new byte[] {0}, null)) {
                Entry entry = entries.next();
                assertThat(entry.key()).isEqualTo(bytes("h"));
                List<String> pairs = new ArrayList<>();
                snapshot.hashFields(entry).forEach(f -> pairs.add(new String(f.name(), UTF_8) + "=" + new String(f.value(), UTF_8)));
                assertThat(pairs).containsExactly("a=1", "b=2");
            }
        }
        assertThat(store.get(bytes("\0h"))).isNull();
    }

    @org.junit.jupiter.api.Test
    void withTheValueCacheAnHgetReadsOnlyItsFieldAndAHashWriteIsSeenAtOnce() {
        KeyValueStore store = store(true);
        set(store, "\0h", "f", "1");
        assertThat(values(store.hashGet(bytes("\0h"), List.of(bytes("f"))))).containsExactly("1"); // caches the metadata
        long before = rocks.counters().keysRead();
        assertThat(values(store.hashGet(bytes("\0h"), List.of(bytes("f"))))).containsExactly("1");
        assertThat(rocks.counters().keysRead() - before).as("the field only").isEqualTo(1);

        store.delete(List.of(bytes("\0h")));
        assertThat(values(store.hashGet(bytes("\0h"), List.of(bytes("f"))))).containsExactly((String) null);
        set(store, "\0h", "g", "2");
        assertThat(values(store.hashGet(bytes("\0h"), List.of(bytes("f"), bytes("g"))))).containsExactly(null, "2");
        store.put(new Entry(bytes("\0h"), bytes("string")));
        assertThatThrownBy(() -> store.hashGet(bytes("\0h"), List.of(bytes("g")))).isInstanceOf(WrongTypeException.class);
    }

    private static void set(KeyValueStore store, String key, String... pairs) {
        List<byte[]> names = new ArrayList<>();
        List<Field> writes = new ArrayList<>();
        for (int i = 0; i < pairs.length; i += 2) {
            names.add(bytes(pairs[i]));
            writes.add(new Field(bytes(pairs[i]), bytes(pairs[i + 1])));
        }
        store.hashUpdate(bytes(key), names, current -> writes);
    }

    private static List<String> fields(KeyValueStore store, String key) {
        List<String> pairs = new ArrayList<>();
        for (Field field : store.hashFields(bytes(key), new byte[0], Integer.MAX_VALUE)) {
            pairs.add(new String(field.name(), UTF_8) + "=" + new String(field.value(), UTF_8));
        }
        return pairs;
    }

    private static List<String> values(List<byte[]> values) {
        List<String> strings = new ArrayList<>();
        values.forEach(v -> strings.add(v == null ? null : new String(v, UTF_8)));
        return strings;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(UTF_8);
    }
}
