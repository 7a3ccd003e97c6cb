package kv.server.store;

/** A write reached a node that is not its group's leader: answered as Redis's read-only replica answers. */
public final class ReadOnlyReplicaException extends StoreException {

    /** Redis's reply to a write sent to a read-only replica, byte for byte. */
    public static final String READONLY = "READONLY You can't write against a read only replica.";

    public ReadOnlyReplicaException() {
        super(READONLY, null);
    }
}
