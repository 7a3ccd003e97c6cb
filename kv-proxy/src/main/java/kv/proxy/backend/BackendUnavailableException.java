package kv.proxy.backend;

/** A backend could not be reached or did not answer in time; the message is the client's error text. */
public final class BackendUnavailableException extends RuntimeException {

    public BackendUnavailableException(Backend backend, Throwable cause) {
        super("ERR backend " + backend.name() + " unavailable", cause);
    }
}
