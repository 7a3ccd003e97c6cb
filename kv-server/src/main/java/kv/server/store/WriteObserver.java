package kv.server.store;

import java.util.List;

/**
 * Told by the store of every key whose value changed, whatever the write path (a command, a
 * group commit, an atomic unit, the active expiry cycle, a flush): what WATCH is built on. The
 * keys are the store's keys (a database's prefix byte, then the name).
 *
 * <p>Called under the store's write order, after the change is readable, so an implementation
 * must be quick and must not call back into the store.
 */
public interface WriteObserver {

    /** Observes nothing; costs nothing. */
    WriteObserver NONE = new WriteObserver() {
        @Override
        public boolean observing() {
            return false;
        }

        @Override
        public void changed(byte[] key, boolean live) {
        }

        @Override
        public List<byte[]> observed(byte[] prefix) {
            return List.of();
        }
    };

    /** False while nothing is observed: the store then skips collecting the changed keys. */
    boolean observing();

    /**
     * {@code key} was written, deleted or expired; {@code live} says whether it holds a value
     * now (false: deleted, expired, or written with a time already past).
     */
    void changed(byte[] key, boolean live);

    /**
     * The observed keys that start with {@code prefix} (empty: every database's), asked before a
     * flush deletes them all: the store reports those that existed as changed.
     */
    List<byte[]> observed(byte[] prefix);
}
