package kv.proxy.linearizability;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Records a history while clients run: each client calls {@link #invoke} just before it sends
 * an operation and then exactly one of {@link #ok}, {@link #fail} or {@link #info} when it has
 * heard back (or given up). Thread-safe; an operation never completed is INFO.
 */
public final class History {

    private final ConcurrentLinkedQueue<Pending> pending = new ConcurrentLinkedQueue<>();

    /** An operation invoked and not yet recorded as complete. */
    public final class Pending {
        private final int process;
        private final Operation.Kind kind;
        private final String key;
        private final String argument;
        private final long invokedAt;
        private volatile Operation completed;

        private Pending(int process, Operation.Kind kind, String key, String argument) {
            this.process = process;
            this.kind = kind;
            this.key = key;
            this.argument = argument;
            this.invokedAt = System.nanoTime();
        }

        private void complete(Operation.Outcome outcome, String result) {
            long now = System.nanoTime();
            completed = new Operation(process, kind, key, argument, outcome, result, invokedAt,
                    outcome == Operation.Outcome.INFO ? Long.MAX_VALUE : now);
        }

        private Operation operation() {
            Operation done = completed;
            return done != null ? done
                    : new Operation(process, kind, key, argument, Operation.Outcome.INFO, null, invokedAt, Long.MAX_VALUE);
        }
    }

    /** Call right before sending. */
    public Pending invoke(int process, Operation.Kind kind, String key, String argument) {
        Pending op = new Pending(process, kind, key, argument);
        pending.add(op);
        return op;
    }

    /** It happened: a GET's value read (null: none), an INCR's new value, a SET's null. */
    public void ok(Pending op, String result) {
        op.complete(Operation.Outcome.OK, result);
    }

    /** It certainly did not happen (e.g. a follower's {@code -READONLY}). */
    public void fail(Pending op) {
        op.complete(Operation.Outcome.FAIL, null);
    }

    /** It may or may not have happened (a timeout, a lost connection, an error of unknown outcome). */
    public void info(Pending op) {
        op.complete(Operation.Outcome.INFO, null);
    }

    /** The operations so far, in invocation order. */
    public List<Operation> operations() {
        List<Operation> all = new ArrayList<>();
        for (Pending op : pending) {
            all.add(op.operation());
        }
        all.sort(java.util.Comparator.comparingLong(Operation::invokedAt));
        return all;
    }
}
