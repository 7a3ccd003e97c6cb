package kv.proxy.command;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import kv.protocol.command.CommandGroup;
import kv.protocol.command.CommandHandler;
import kv.protocol.command.CommandSpec;
import kv.protocol.command.CommandTable;
import kv.protocol.resp.Replies;
import kv.protocol.resp.RespValue;
import kv.protocol.resp.Request;
import kv.proxy.backend.Backend;
import kv.proxy.backend.Backends;
import kv.proxy.backend.Databases;
import kv.proxy.backend.PinnedConnection;
import kv.proxy.cache.CoherentCache;
import kv.proxy.cache.WritesInFlight;
import kv.proxy.session.ClientSession;
import org.springframework.stereotype.Component;

/**
 * Lua scripts through the proxy. {@code EVAL}, {@code EVALSHA} and their {@code _RO} forms go to
 * the one backend owning every key they declare (numkeys); keys on several backends get
 * {@code -CROSSSLOT}, as in Redis Cluster; a script without keys runs on the first backend. After
 * EVAL or EVALSHA answers, its declared keys are withdrawn from the cache before the client gets
 * the reply (read-your-writes); a script runs on a connection of its own (a
 * {@link PinnedConnection}, with the longer timeout of a transaction), so that one running long,
 * until SCRIPT KILL, does not fail a pooled request and mark its backend DOWN; keys a script writes without declaring them are withdrawn when the
 * backend's invalidation arrives, as any write made elsewhere. {@code SCRIPT LOAD}, {@code EXISTS},
 * {@code FLUSH} and {@code KILL} go to every backend, so an EVALSHA finds its script wherever its
 * keys send it: LOAD answers the sha every backend agreed on, EXISTS 1 for a script every backend
 * has, FLUSH OK once all flushed, KILL OK if a backend stopped a script.
 */
@Component
public class ScriptCommands implements CommandGroup<ClientSession> {

    private final Backends backends;
    private final CoherentCache cache;
    private final TransactionCommands transactions;

    public ScriptCommands(Backends backends, CoherentCache cache, TransactionCommands transactions) {
        this.backends = backends;
        this.cache = cache;
        this.transactions = transactions;
    }

    @Override
    public void register(Map<String, CommandHandler<ClientSession>> handlers) {
        for (String name : List.of("eval", "evalsha", "eval_ro", "evalsha_ro")) {
            handlers.put(name, (BackendCommandHandler) this::eval);
        }
        handlers.put("script", (BackendCommandHandler) this::script);
    }

    RespValue eval(Request request, ClientSession session) {
        CommandSpec spec = CommandTable.get(request.name());
        List<byte[]> keys = spec.keys(request);
        Backend owner = keys.isEmpty() ? backends.all().get(0) : transactions.commonOwner(keys);
        if (owner == null) {
            return Replies.error(TransactionCommands.CROSSSLOT);
        }
        // On a connection of its own rather than a pooled one: a script may run for longer than a
        // GET's reply timeout (until SCRIPT KILL), and a pooled request that outlives it marks the
        // whole backend DOWN.
        PinnedConnection connection = owner.pin();
        WritesInFlight.Writes writes = TransactionCommands.writes(spec) ? cache.sending(keys) : null;
        try {
            if (session.db() == 0) {
                return connection.call(request);
            }
            List<RespValue> replies = connection.callAll(List.of(Databases.select(session.db()), request, Databases.select(0)));
            return replies.get(0) instanceof RespValue.Error error ? error : replies.get(1);
        }
        finally {
            owner.release(connection);
            if (writes != null) {
                cache.written(writes); // whatever the outcome: a script that failed half-way may have written
            }
        }
    }

    RespValue script(Request request, ClientSession session) {
        String sub = request.argString(1).toLowerCase(Locale.ROOT);
        CommandSpec spec = CommandTable.get("script").subcommands().get(sub);
        if (spec == null || "help".equals(sub)) {
            // HELP and the subcommands kv does not declare: the first backend's answer (an error for an unknown one).
            return spec == null && !"help".equals(sub)
                    ? Replies.error("ERR unknown subcommand '" + request.argString(1) + "'. Try SCRIPT HELP.")
                    : backends.all().get(0).call(request);
        }
        if (!spec.acceptsArity(request.size())) {
            return Replies.wrongArity("script|" + sub);
        }
        List<RespValue> replies = new ArrayList<>();
        for (Backend backend : backends.all()) {
            replies.add(backend.call(request));
        }
        switch (sub) {
            case "load": {
                RespValue first = replies.get(0);
                for (RespValue reply : replies) {
                    if (reply instanceof RespValue.Error) {
                        return reply;
                    }
                    if (!reply.equals(first)) {
                        return Replies.error("ERR the backends of kv-proxy answered different SHA1 digests: "
                                + replies);
                    }
                }
                return first;
            }
            case "exists": {
                List<RespValue> and = new ArrayList<>();
                for (RespValue reply : replies) {
                    if (!(reply instanceof RespValue.Array array)) {
                        return reply; // an error
                    }
                    List<RespValue> flags = array.elements();
                    for (int i = 0; i < flags.size(); i++) {
                        boolean has = flags.get(i) instanceof RespValue.Integer n && n.value() == 1;
                        if (and.size() <= i) {
                            and.add(has ? Replies.ONE : Replies.ZERO);
                        }
                        else if (!has) {
                            and.set(i, Replies.ZERO);
                        }
                    }
                }
                return new RespValue.Array(and);
            }
            case "kill": {
                for (RespValue reply : replies) {
                    if (!(reply instanceof RespValue.Error)) {
                        return reply; // a backend stopped its script
                    }
                }
                for (RespValue reply : replies) {
                    if (!((RespValue.Error) reply).message().startsWith("NOTBUSY")) {
                        return reply; // UNKILLABLE: a script that wrote is running
                    }
                }
                return replies.get(0);
            }
            default: { // flush: OK once every backend has
                for (RespValue reply : replies) {
                    if (reply instanceof RespValue.Error) {
                        return reply;
                    }
                }
                return replies.get(0);
            }
        }
    }
}
