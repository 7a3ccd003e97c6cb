package kv.proxy.command;

import java.util.ArrayList;
import java.util.List;

import kv.protocol.resp.Request;
import kv.proxy.backend.Backend;
import kv.proxy.backend.PinnedConnection;

/**
 * One client's open transaction through the proxy: the backend it is pinned to (chosen by its
 * first key-bearing command or WATCH) and what it queued. Touched only by the thread running the
 * client's current request (one at a time), and by the close hook, which only closes the connection.
 */
final class Transaction {

    /** The pinned backend and its connection, or null until a key (or EXEC) chooses one. */
    Backend backend;
    PinnedConnection connection;
    /** The client said MULTI. */
    boolean multi;
    /** The backend has been sent MULTI (it is when the transaction is pinned after MULTI). */
    boolean backendMulti;
    /** The client has WATCHed keys on the pinned connection. */
    boolean watching;
    /** A queue-time error the proxy itself found (unknown command, keys on another backend, NOPERM): EXEC aborts. */
    boolean aborted;
    /** Commands queued before a backend was chosen: sent behind MULTI once it is. */
    final List<Request> buffered = new ArrayList<>();
    /** Every command the backend (or the proxy, buffering) queued, in order: the backend's EXEC reply has one element each. */
    final List<Request> queued = new ArrayList<>();
    /** Commands the proxy answers itself (CLIENT, INFO, SUBSCRIBE ...), queued by the proxy: run after the backend's EXEC. */
    final List<Local> locals = new ArrayList<>();
    /** The client's connection closed: whatever is running finds its connection closed. */
    volatile boolean abandoned;

    boolean pinned() {
        return connection != null;
    }

    /** Commands queued so far, the backend's and the proxy's. */
    int size() {
        return queued.size() + locals.size();
    }

    /**
     * A command the proxy runs itself, queued at {@code position} of the client's transaction
     * (counting every command queued before it): its reply goes there in EXEC's array.
     */
    record Local(int position, Request request) {
    }
}
