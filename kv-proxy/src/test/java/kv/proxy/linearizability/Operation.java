package kv.proxy.linearizability;

/**
 * One operation of a recorded history on one key: what a client asked, when it asked (invoke)
 * and when it heard back (complete), and what it heard. Times are {@link System#nanoTime()}
 * readings of the one JVM that ran every client.
 *
 * @param process the client (thread) that ran it; a process runs one operation at a time
 * @param kind SET, GET or INCR
 * @param key the key it is on
 * @param argument a SET's value; null for GET and INCR
 * @param outcome whether it certainly happened ({@link Outcome#OK}), certainly did not
 *                ({@link Outcome#FAIL}), or may have ({@link Outcome#INFO}: a timeout, a lost
 *                connection, a "may or may not have been applied" error)
 * @param result what an OK GET read (null: no such key) or the value an OK INCR returned
 * @param invokedAt when it was sent
 * @param completedAt when its answer came; {@link Long#MAX_VALUE} for INFO (it may take effect at any later time)
 */
public record Operation(int process, Kind kind, String key, String argument, Outcome outcome, String result,
                        long invokedAt, long completedAt) {

    /** The operations the checker's model knows: a register with an increment. */
    public enum Kind { SET, GET, INCR }

    /** Jepsen's three kinds of completion. */
    public enum Outcome { OK, FAIL, INFO }

    @Override
    public String toString() {
        return "p" + process + " " + kind + " " + key + (argument == null ? "" : " " + argument) + " -> "
                + (outcome == Outcome.OK ? (result == null ? (kind == Kind.SET ? "OK" : "nil") : result)
                        : outcome.name().toLowerCase())
                + " [" + invokedAt + ", " + (completedAt == Long.MAX_VALUE ? "∞" : completedAt) + "]";
    }
}
