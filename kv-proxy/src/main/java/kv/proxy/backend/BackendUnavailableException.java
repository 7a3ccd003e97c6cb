package kv.proxy.backend;

/** A backend could not be reached or did not answer in time; the message is the client's error text. */
public final class BackendUnavailableException extends RuntimeException {

    private final boolean outcomeUnknown;

    public BackendUnavailableException(Backend backend, Throwable cause) {
        this("ERR backend " + backend.name() + " unavailable", cause, false);
    }

    private BackendUnavailableException(String message, Throwable cause, boolean outcomeUnknown) {
        super(message, cause);
        this.outcomeUnknown = outcomeUnknown;
    }

    /**
     * A group lost its leader while a write was on its way: it may or may not have been applied,
     * so the proxy does not send it again (that could apply it twice); the client may retry it.
     */
    public static BackendUnavailableException outcomeUnknown(Backend backend, Throwable cause) {
        return new BackendUnavailableException("ERR backend " + backend.name() + " lost its leader with the write "
                + "in flight: it may or may not have been applied; retry it if applying it twice is harmless",
                cause, true);
    }

    /** True for {@link #outcomeUnknown}. */
    public boolean outcomeIsUnknown() {
        return outcomeUnknown;
    }
}
