package kv.proxy.backend;

import java.io.IOException;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

import kv.protocol.resp.RespDecoder;
import kv.protocol.resp.RespEncoder;
import kv.protocol.resp.RespInput;
import kv.protocol.resp.RespOutput;
import kv.protocol.resp.RespValue;
import kv.protocol.resp.Request;

/**
 * A backend connection that one client holds for its whole transaction (WATCH ... EXEC, MULTI ...
 * EXEC): no other client's request can land on it, so nothing interleaves into the client's
 * MULTI or clears its WATCH. Blocking I/O, used by one worker thread at a time (a client's
 * requests run one after the other), never on an event loop.
 *
 * <p>Design note: the shared pooled connections are pipelined by every client of a round, which
 * is what makes GETs and SETs cheap but is exactly what a transaction cannot have, since MULTI and
 * WATCH are state of the connection. A pinned connection is a plain socket of its own; when the
 * transaction ends cleanly (EXEC, DISCARD, UNWATCH: the backend holds no MULTI or WATCH for it
 * any more) it goes back to a small idle set of its {@link Backend}, so that a stream of
 * transactions does not cost a connect each. Anything else (a client that closed mid-transaction,
 * an I/O error, a connection left on another database) closes it: the backend then drops the
 * MULTI state and the WATCHes with the connection.
 */
public final class PinnedConnection implements AutoCloseable {

    private final Backend backend;
    private final Socket socket;
    private final RespInput in;
    private final RespOutput out;
    private final RespDecoder decoder = new RespDecoder();
    private int db;
    private boolean broken;

    PinnedConnection(Backend backend, int connectTimeoutMillis, int replyTimeoutMillis) throws IOException {
        this.backend = backend;
        Socket s = backend.openSocket(connectTimeoutMillis, replyTimeoutMillis); // over TLS, logged in, as configured
        try {
            this.in = new RespInput(s.getInputStream(), 8 * 1024);
            this.out = new RespOutput(s.getOutputStream(), 8 * 1024);
        }
        catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
        this.socket = s;
    }

    public Backend backend() {
        return backend;
    }

    /** The database the connection is on (as far as the proxy has SELECTed it). */
    public int db() {
        return db;
    }

    /** Records that a SELECT run by the backend (one queued in a transaction) moved the connection to {@code db}. */
    public void db(int db) {
        this.db = db;
    }

    /** True if an exchange failed: the connection's state is unknown and it must be closed. */
    public boolean broken() {
        return broken;
    }

    public RespValue call(Request request) {
        return callAll(List.of(request)).get(0);
    }

    /**
     * Sends {@code requests} in one write and reads their replies in order.
     *
     * @throws BackendUnavailableException on an I/O error or a reply timeout; the connection is then broken
     */
    public List<RespValue> callAll(List<Request> requests) {
        try {
            for (Request request : requests) {
                RespEncoder.write(request, out);
            }
            out.flush();
            List<RespValue> replies = new ArrayList<>(requests.size());
            for (int i = 0; i < requests.size(); i++) {
                RespValue reply = decoder.readValue(in);
                if (reply == null) {
                    throw new IOException("connection closed by the backend");
                }
                replies.add(reply);
            }
            return replies;
        }
        catch (IOException | RuntimeException e) {
            broken = true;
            close();
            throw new BackendUnavailableException(backend, e);
        }
    }

    /**
     * {@link #call} on database {@code db}: a SELECT first if the connection is on another one.
     * Only outside the backend's MULTI, where a SELECT would be queued instead of run.
     */
    public RespValue call(int db, Request request) {
        if (db == this.db) {
            return call(request);
        }
        List<RespValue> replies = callAll(List.of(Databases.select(db), request));
        if (replies.get(0) instanceof RespValue.Error error) {
            return error;
        }
        this.db = db;
        return replies.get(1);
    }

    @Override
    public void close() {
        try {
            socket.close();
        }
        catch (IOException ignored) {
            // closed anyway
        }
    }
}
