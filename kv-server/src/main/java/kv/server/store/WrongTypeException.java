package kv.server.store;

/**
 * A command for one type on a key holding another (a string command on a hash, a hash command
 * on a string); its message is Redis's reply, which the dispatcher sends as it is.
 */
public final class WrongTypeException extends RuntimeException {

    public static final String MESSAGE = "WRONGTYPE Operation against a key holding the wrong kind of value";

    /** Thrown often by design (a client's mistake, not the server's): one instance, no stack trace. */
    public static final WrongTypeException INSTANCE = new WrongTypeException();

    private WrongTypeException() {
        super(MESSAGE, null, false, false);
    }
}
