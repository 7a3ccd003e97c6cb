package kv.server.command;

import java.util.function.Supplier;

import kv.server.store.KeyValueStore;
import kv.server.tracking.InvalidationHub;
import org.springframework.stereotype.Component;

/**
 * Runs commands as one atomic unit: what EXEC and scripts are built on. Inside
 * {@link #atomically}, run each command with {@link CommandDispatcher#runInUnit}; together they
 * behave as one command of the server:
 * <ul>
 *   <li>no other client's write lands in between (other writers, on every event loop and the
 *       expiry cycle, wait for the unit); reads from other clients see the state before the unit
 *       or after it, never part of it;</li>
 *   <li>each command sees the writes of the ones before it;</li>
 *   <li>the writes reach RocksDB as one batch when the body returns: one log write and, with
 *       {@code fsync always}, one fsync; after a crash, all of them or none;</li>
 *   <li>if the body throws, nothing it wrote is applied (an error reply of a command is not a
 *       throw: it is a reply like any other, and the unit goes on);</li>
 *   <li>tracking clients get the invalidations of its writes after it has committed, and
 *       WATCHers of its keys are told at the commit too;</li>
 *   <li>a nested call joins the unit already open on the thread (a script inside EXEC).</li>
 * </ul>
 * Keep a unit short: other clients' writes wait for it, as Redis's clients wait for its EXEC.
 */
@Component
public class AtomicUnits {

    private final KeyValueStore store;
    private final InvalidationHub invalidations;

    public AtomicUnits(KeyValueStore store, InvalidationHub invalidations) {
        this.store = store;
        this.invalidations = invalidations;
    }

    /** Runs {@code body} as one atomic unit (see the class comment); returns what it returns. */
    public <T> T atomically(Supplier<T> body) {
        return invalidations.deferring(() -> store.atomically(body));
    }

    /** Whether this thread is inside {@link #atomically}. */
    public boolean inUnit() {
        return store.inAtomicUnit();
    }
}
