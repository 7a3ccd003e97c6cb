package kv.server.command;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import kv.protocol.command.CommandGroup;
import kv.protocol.command.CommandHandler;
import kv.protocol.resp.Replies;
import kv.protocol.resp.RespValue;
import kv.protocol.resp.Request;
import kv.server.session.ClientSession;
import kv.server.store.KeyValueStore;
import kv.server.transaction.KeyWatches;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * MULTI, EXEC, DISCARD, WATCH and UNWATCH, as Redis 7.0 answers them. The queueing itself is the
 * dispatcher's (every command after MULTI but these and QUIT and RESET is queued, see
 * {@link CommandDispatcher#execute}); EXEC runs the queue as one atomic unit ({@link AtomicUnits}):
 * no other client's write in between, one RocksDB batch, and each command's reply in the array,
 * errors included (a runtime error does not stop the others).
 */
@Component
public class TransactionCommands implements CommandGroup<ClientSession> {

    static final RespValue QUEUED = new RespValue.SimpleString("QUEUED");
    private static final RespValue EXECABORT = Replies.error("EXECABORT Transaction discarded because of previous errors.");

    private final AtomicUnits atomic;
    private final KeyWatches watches;
    private final KeyValueStore store;
    private final Databases databases;
    private final Clock clock;
    /** The dispatcher runs these handlers and they run its commands: it is looked up, not injected. */
    private final ObjectProvider<CommandDispatcher> dispatcher;

    public TransactionCommands(AtomicUnits atomic, KeyWatches watches, KeyValueStore store, Databases databases,
                               Clock clock, ObjectProvider<CommandDispatcher> dispatcher) {
        this.atomic = atomic;
        this.watches = watches;
        this.store = store;
        this.databases = databases;
        this.clock = clock;
        this.dispatcher = dispatcher;
    }

    @Override
    public void register(Map<String, CommandHandler<ClientSession>> handlers) {
        handlers.put("multi", this::multi);
        handlers.put("exec", this::exec);
        handlers.put("discard", this::discard);
        handlers.put("watch", this::watch);
        handlers.put("unwatch", this::unwatch);
    }

    RespValue multi(Request request, ClientSession session) {
        if (session.inMulti()) {
            return Replies.error("ERR MULTI calls can not be nested");
        }
        session.beginMulti();
        return Replies.OK;
    }

    /**
     * {@code EXEC}: EXECABORT if a command was refused while queueing; a null array if a watched
     * key changed (asked inside the unit, so nothing lands between the check and the run); else
     * the replies of the queued commands, run as one atomic unit.
     */
    RespValue exec(Request request, ClientSession session) {
        if (!session.inMulti()) {
            return Replies.error("ERR EXEC without MULTI");
        }
        if (session.queueRefused()) {
            discard(session);
            return EXECABORT;
        }
        List<Request> queued = session.queued();
        CommandDispatcher commands = dispatcher.getObject();
        try {
            return atomic.atomically(() -> {
                if (watches.changedSince(session, clock.millis())) {
                    return Replies.NULL_ARRAY;
                }
                watches.unwatch(session); // as soon as possible: its own writes need not be heard
                List<RespValue> replies = new ArrayList<>(queued.size());
                for (Request each : queued) {
                    replies.add(commands.runInUnit(each, session, "multi"));
                }
                return new RespValue.Array(replies);
            });
        }
        finally {
            discard(session);
        }
    }

    RespValue discard(Request request, ClientSession session) {
        if (!session.inMulti()) {
            return Replies.error("ERR DISCARD without MULTI");
        }
        discard(session);
        return Replies.OK;
    }

    /** Ends the session's transaction and its watches (EXEC, DISCARD, RESET). */
    void discard(ClientSession session) {
        session.endMulti();
        watches.unwatch(session);
    }

    /**
     * {@code WATCH key [key ...]}: remembers the keys of the session's database with what they
     * hold now, read in an atomic unit so that no write falls between the read and the watch.
     */
    RespValue watch(Request request, ClientSession session) {
        if (session.inMulti()) {
            return Replies.error("ERR WATCH inside MULTI is not allowed");
        }
        if (session.watchedKeyChanged()) {
            return Replies.OK; // EXEC fails anyway, as Redis reasons
        }
        List<byte[]> keys = databases.keys(session, request, 1, 1);
        atomic.atomically(() -> {
            watches.watch(session, keys, store.getAll(keys));
            return null;
        });
        return Replies.OK;
    }

    RespValue unwatch(Request request, ClientSession session) {
        watches.unwatch(session);
        return Replies.OK;
    }
}
