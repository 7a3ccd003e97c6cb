package kv.proxy.command;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import kv.protocol.command.CommandFlag;
import kv.protocol.command.CommandSpec;
import kv.protocol.command.CommandTable;
import kv.protocol.resp.Replies;
import kv.protocol.resp.RespValue;
import kv.protocol.resp.Request;
import kv.proxy.backend.Backend;
import kv.proxy.backend.Backends;
import kv.proxy.cache.CoherentCache;
import kv.proxy.tcp.ClientSession;
import org.springframework.stereotype.Component;

/**
 * The commands over keys: GET through the cache; other keyed commands routed to their owners by
 * the command table's key positions, split and merged when their keys live on several backends;
 * DUMP, DBSIZE and FLUSHDB gathered from every backend. Writes withdraw their keys from the cache
 * before the client gets the acknowledgement.
 */
@Component
public class KeyCommands implements CommandGroup {

    private static final RespValue SOURCE = Replies.bulk("source");
    private static final RespValue.Map FROM_CACHE = new RespValue.Map(List.of(SOURCE, Replies.bulk("cache")));
    private static final RespValue.Map FROM_BACKEND = new RespValue.Map(List.of(SOURCE, Replies.bulk("backend")));

    /** How the replies of a command split over several backends combine into one. */
    private enum Merge { IN_KEY_ORDER, SUM, ALL_OK }

    private static final Map<String, Merge> MERGES = Map.of(
            "mget", Merge.IN_KEY_ORDER,
            "exists", Merge.SUM,
            "del", Merge.SUM,
            "mset", Merge.ALL_OK);

    private final Backends backends;
    private final CoherentCache cache;

    public KeyCommands(Backends backends, CoherentCache cache) {
        this.backends = backends;
        this.cache = cache;
    }

    @Override
    public void register(Map<String, CommandHandler> handlers) {
        handlers.put("get", this::get);
        for (String name : List.of("put", "set", "mget", "mset", "del", "exists")) {
            handlers.put(name, this::keyed);
        }
        handlers.put("dump", this::dump);
        handlers.put("dbsize", this::dbsize);
        handlers.put("flushdb", this::flushdb);
    }

    /** GET: from the cache when it coherently can; marked with its source for clients that asked. */
    RespValue get(Request request, ClientSession session) {
        byte[] key = request.arg(1);
        return marked(cache.get(backends.owner(key), key), session);
    }

    /** The reply to a GET, with its source for clients that asked (CLIENT KVSOURCE ON). */
    static RespValue marked(CoherentCache.Read read, ClientSession session) {
        RespValue reply = read.reply();
        if (session.wantsSource() && !(reply instanceof RespValue.Error)) {
            return new RespValue.Attributed(read.fromCache() ? FROM_CACHE : FROM_BACKEND, reply);
        }
        return reply;
    }

    /** Any keyed command: to the owner, or split by owner and merged. */
    RespValue keyed(Request request, ClientSession session) {
        CommandSpec spec = CommandTable.get(request.name());
        KeyRouting routing = KeyRouting.of(request, spec, backends);
        try {
            if (routing.singleOwner()) {
                Map.Entry<Backend, KeyRouting.Part> only = routing.parts().entrySet().iterator().next();
                return only.getKey().call(only.getValue().request());
            }
            Merge merge = MERGES.get(spec.name());
            if (merge == null) {
                return Replies.error("ERR '" + spec.name() + "' with keys on several backends is not supported");
            }
            return merge(merge, routing);
        }
        finally {
            if (spec.is(CommandFlag.WRITE)) {
                // Withdrawn whatever the outcome: after a failure the backend may or may not have applied it.
                cache.written(routing.keys());
            }
        }
    }

    private static RespValue merge(Merge merge, KeyRouting routing) {
        RespValue[] inOrder = new RespValue[routing.keys().size()];
        long sum = 0;
        for (Map.Entry<Backend, KeyRouting.Part> part : routing.parts().entrySet()) {
            RespValue reply = part.getKey().call(part.getValue().request());
            if (reply instanceof RespValue.Error) {
                return reply;
            }
            if (merge == Merge.SUM) {
                sum += ((RespValue.Integer) reply).value();
            }
            else if (merge == Merge.IN_KEY_ORDER) {
                List<RespValue> values = ((RespValue.Array) reply).elements();
                List<Integer> ordinals = part.getValue().ordinals();
                for (int i = 0; i < ordinals.size(); i++) {
                    inOrder[ordinals.get(i)] = values.get(i);
                }
            }
        }
        if (merge == Merge.SUM) {
            return Replies.integer(sum);
        }
        return merge == Merge.IN_KEY_ORDER ? new RespValue.Array(Arrays.asList(inOrder)) : Replies.OK;
    }

    /** DUMP [pattern]: every backend's pairs, merged back into key order. */
    RespValue dump(Request request, ClientSession session) {
        if (backends.all().size() == 1) {
            return backends.all().get(0).call(request);
        }
        List<RespValue[]> pairs = new ArrayList<>();
        for (Backend backend : backends.all()) {
            RespValue reply = backend.call(request);
            if (!(reply instanceof RespValue.Array array)) {
                return reply;
            }
            List<RespValue> flat = array.elements();
            for (int i = 0; i + 1 < flat.size(); i += 2) {
                pairs.add(new RespValue[] {flat.get(i), flat.get(i + 1)});
            }
        }
        pairs.sort(Comparator.comparing(pair -> ((RespValue.BulkString) pair[0]).bytes(), Arrays::compareUnsigned));
        List<RespValue> merged = new ArrayList<>(pairs.size() * 2);
        for (RespValue[] pair : pairs) {
            merged.add(pair[0]);
            merged.add(pair[1]);
        }
        return new RespValue.Array(merged);
    }

    /** DBSIZE: the sum over every backend. */
    RespValue dbsize(Request request, ClientSession session) {
        long total = 0;
        for (Backend backend : backends.all()) {
            RespValue reply = backend.call(request);
            if (!(reply instanceof RespValue.Integer count)) {
                return reply;
            }
            total += count.value();
        }
        return Replies.integer(total);
    }

    /** FLUSHDB: on every backend; the whole cache is dropped before the acknowledgement. */
    RespValue flushdb(Request request, ClientSession session) {
        try {
            for (Backend backend : backends.all()) {
                RespValue reply = backend.call(request);
                if (reply instanceof RespValue.Error) {
                    return reply;
                }
            }
            return Replies.OK;
        }
        finally {
            cache.writtenAll();
        }
    }
}
