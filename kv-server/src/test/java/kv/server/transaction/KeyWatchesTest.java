package kv.server.transaction;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import kv.protocol.endpoint.ClientRegistry;
import kv.server.config.Fsync;
import kv.server.session.ClientSession;
import kv.server.store.KeyValueStore.Entry;
import kv.server.store.RocksDbStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The WATCH registry on a real store: what counts as a change, per database, across SWAPDB, and after a close. */
class KeyWatchesTest {

    @TempDir
    Path directory;

    RocksDbStore store;
    KeyWatches watches;
    ClientRegistry<ClientSession> clients = ClientSession.registry();
    ClientSession session;

    @BeforeEach
    void open() {
        store = new RocksDbStore(directory, Fsync.NO);
        watches = new KeyWatches(store);
        session = clients.open("127.0.0.1:1");
    }

    @AfterEach
    void close() {
        store.close();
    }

    private void watch(ClientSession who, byte[]... keys) {
        store.atomically(() -> {
            watches.watch(who, List.of(keys), store.getAll(List.of(keys)));
            return null;
        });
    }

    @Test
    void aWriteOfTheWatchedKeyInItsDatabaseIsAChangeAndNothingElseIs() {
        watch(session, key(0, "k"));
        store.put(new Entry(key(1, "k"), bytes("other database")));
        store.put(new Entry(key(0, "other"), bytes("other key")));
        store.delete(List.of(key(0, "k"))); // absent, and absent after: no change
        assertThat(watches.changedSince(session, 0)).isFalse();
        store.put(new Entry(key(0, "k"), bytes("v")));
        assertThat(watches.changedSince(session, 0)).isTrue();
        assertThat(session.watchedKeys()).as("its other watches are dropped once one changed").isZero();
        watches.unwatch(session);
        assertThat(watches.changedSince(session, 0)).isFalse();
        assertThat(watches.observing()).isFalse();
    }

    @Test
    void aKeyLiveWhenWatchedCountsAsChangedOnceItsTimeHasPassed() {
        store.put(new Entry(key(0, "k"), bytes("v"), System.currentTimeMillis() + 60_000));
        watch(session, key(0, "k"));
        assertThat(watches.changedSince(session, System.currentTimeMillis())).isFalse();
        assertThat(watches.changedSince(session, System.currentTimeMillis() + 60_000)).isTrue();
    }

    @Test
    void swapdbMovesBothWatchesOfAnAbsentNameWithTheirDatabases() {
        watch(session, key(2, "k"), key(3, "k"));
        watches.swapped((byte) 2, (byte) 3, key -> store.get(key) != null);
        assertThat(watches.changedSince(session, 0)).as("the name exists in neither database").isFalse();
        assertThat(session.watchedKeys()).isEqualTo(2);
        store.put(new Entry(key(3, "k"), bytes("v"))); // database 2's k now lives under prefix 3
        assertThat(watches.changedSince(session, 0)).isTrue();

        ClientSession other = clients.open("127.0.0.1:2");
        watch(other, key(4, "present"));
        store.put(new Entry(key(5, "present"), bytes("v")));
        assertThat(watches.changedSince(other, 0)).isFalse();
        watches.swapped((byte) 4, (byte) 5, key -> store.get(key) != null);
        assertThat(watches.changedSince(other, 0)).as("the name exists in the other database").isTrue();
    }

    @Test
    void aClosedSessionWatchesNothing() {
        watch(session, key(0, "k"));
        assertThat(watches.watchedKeys()).isEqualTo(1);
        session.closed();
        assertThat(watches.watchedKeys()).isZero();
        assertThat(watches.observing()).isFalse();
        watch(session, key(0, "k"));
        session.closed();
        assertThat(watches.watchedKeys()).as("told again after a second WATCH").isZero();
    }

    private static byte[] key(int db, String name) {
        byte[] key = Arrays.copyOf(new byte[] {(byte) db}, name.length() + 1);
        System.arraycopy(bytes(name), 0, key, 1, name.length());
        return key;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(UTF_8);
    }
}
