package kv.proxy.backend;

import java.util.ArrayList;
import java.util.List;

import kv.protocol.resp.RespValue;
import kv.protocol.resp.Request;

/**
 * Requests of clients on several databases, sent over backend connections that all clients share.
 *
 * <p>Design note: a pooled backend connection is on database 0 whenever it is idle. A request of a
 * client that has SELECTed database n is sent as {@code SELECT n}, the request, then
 * {@code SELECT 0}, all in the same pipeline on the same connection, so the backend runs it on
 * database n and the connection goes back to the pool on 0. Consecutive requests of one
 * database share their SELECT, and clients on database 0 (nearly all) cost nothing extra. The
 * alternative, a pool per database, would keep up to 16 times the connections open for the
 * rare client that selects. A failed {@code SELECT n} (a backend with fewer databases) fails the
 * requests behind it with its error; the proxy's own SELECT checks the backends' {@code databases}
 * first, so that does not happen in front of servers it has heard from.
 */
public final class Databases {

    /** Databases Redis has by default ({@code databases 16}), until a backend says otherwise. */
    public static final int DEFAULT_COUNT = 16;

    private static final Request[] SELECT = new Request[DEFAULT_COUNT];

    static {
        for (int db = 0; db < SELECT.length; db++) {
            SELECT[db] = select0(db);
        }
    }

    private Databases() {
    }

    /** {@code SELECT db}. */
    public static Request select(int db) {
        return db < SELECT.length ? SELECT[db] : select0(db);
    }

    private static Request select0(int db) {
        return Request.of("SELECT", Integer.toString(db));
    }

    /**
     * One backend's pipeline of requests on several databases: {@link #add} says where each
     * request's reply will be, {@link #requests} closes it with {@code SELECT 0} if needed.
     */
    public static final class Pipeline {
        private final List<Request> requests = new ArrayList<>();
        /** For each reply: the index of the SELECT reply its request depends on, or -1. */
        private final List<Integer> selectOf = new ArrayList<>();
        private int db;
        private int lastSelect = -1;

        /** Adds {@code request} on {@code db}; returns the index of its reply. */
        public int add(int db, Request request) {
            if (db != this.db) {
                requests.add(select(db));
                selectOf.add(-1);
                this.db = db;
                lastSelect = db == 0 ? -1 : requests.size() - 1;
            }
            requests.add(request);
            selectOf.add(lastSelect);
            return requests.size() - 1;
        }

        /** The requests to send, ending on database 0. */
        public List<Request> requests() {
            if (db != 0) {
                requests.add(select(0));
                selectOf.add(-1);
                db = 0;
                lastSelect = -1;
            }
            return requests;
        }

        /** The reply at {@code index}, or the error of the SELECT its request depended on. */
        public RespValue reply(List<RespValue> replies, int index) {
            int select = selectOf.get(index);
            if (select >= 0 && replies.get(select) instanceof RespValue.Error error) {
                return error;
            }
            return replies.get(index);
        }
    }
}
