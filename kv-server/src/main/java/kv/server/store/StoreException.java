package kv.server.store;

/** Storage failed (disk full, I/O error, closed); the message is fit for a client to read. */
public class StoreException extends RuntimeException {

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
