package kv.proxy.command;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import kv.protocol.command.CommandGroup;
import kv.protocol.command.CommandHandler;
import kv.protocol.command.CommandFlag;
import kv.protocol.command.CommandSpec;
import kv.protocol.command.CommandTable;
import kv.protocol.command.KvTraits.Merge;
import kv.protocol.resp.Replies;
import kv.protocol.resp.RespValue;
import kv.protocol.resp.Request;
import kv.proxy.backend.Backend;
import kv.proxy.backend.Backends;
import kv.proxy.cache.CoherentCache;
import kv.proxy.cache.WritesInFlight;
import kv.proxy.session.ClientSession;
import org.springframework.stereotype.Component;

/**
 * The commands over keys: GET through the cache; other keyed commands routed to their owners by
 * the key specs, split and merged when their keys live on several backends; the commands for
 * every backend (DUMP, DBSIZE, FLUSHDB) gathered from all of them, as each command's spec says. Writes withdraw their keys from the cache
 * before the client gets the acknowledgement.
 */
@Component
public class KeyCommands implements CommandGroup<ClientSession> {

    private static final RespValue SOURCE = Replies.bulk("source");
    private static final RespValue.Map FROM_CACHE = new RespValue.Map(List.of(SOURCE, Replies.bulk("cache")));
    private static final RespValue.Map FROM_BACKEND = new RespValue.Map(List.of(SOURCE, Replies.bulk("backend")));

    private final Backends backends;
    private final CoherentCache cache;

    public KeyCommands(Backends backends, CoherentCache cache) {
        this.backends = backends;
        this.cache = cache;
    }

    /** Every command the specs route by key ({@code "proxy": "owner"}) or to all backends ({@code "all"}). */
    @Override
    public void register(Map<String, CommandHandler<ClientSession>> handlers) {
        for (CommandSpec spec : CommandTable.all()) {
            switch (spec.kv().proxy()) {
                case CACHE -> handlers.put(spec.name(), this::get);
                case OWNER -> handlers.put(spec.name(), this::keyed);
                case ALL -> handlers.put(spec.name(), this::everywhere);
                default -> { }
            }
        }
    }

    /** GET: from the cache when it coherently can; marked with its source for clients that asked. */
    RespValue get(Request request, ClientSession session) {
        byte[] key = request.arg(1);
        return marked(cache.get(backends.owner(key), session.db(), key), session);
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
        WritesInFlight.Writes writes = spec.is(CommandFlag.WRITE) ? cache.sending(routing.keys()) : null;
        try {
            if (routing.singleOwner()) {
                Map.Entry<Backend, KeyRouting.Part> only = routing.parts().entrySet().iterator().next();
                return only.getKey().call(session.db(), only.getValue().request());
            }
            if (spec.kv().merge() == Merge.NONE) {
                return Replies.error("ERR '" + spec.name() + "' with keys on several backends is not supported");
            }
            return merge(spec.kv().merge(), routing, session.db());
        }
        finally {
            if (writes != null) {
                // Withdrawn whatever the outcome: after a failure the backend may or may not have applied it.
                cache.written(writes);
            }
        }
    }

    private static RespValue merge(Merge merge, KeyRouting routing, int db) {
        RespValue[] inOrder = new RespValue[routing.keys().size()];
        long sum = 0;
        for (Map.Entry<Backend, KeyRouting.Part> part : routing.parts().entrySet()) {
            RespValue reply = part.getKey().call(db, part.getValue().request());
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

    /**
     * A command for every backend (DUMP, DBSIZE, FLUSHDB): the replies merged as its spec says. A
     * write without keys (FLUSHDB) drops the whole cache before the acknowledgement, whatever the outcome.
     */
    RespValue everywhere(Request request, ClientSession session) {
        CommandSpec spec = CommandTable.get(request.name());
        try {
            if (backends.all().size() == 1) {
                return backends.all().get(0).call(session.db(), request);
            }
            List<RespValue> replies = new ArrayList<>();
            for (Backend backend : backends.all()) {
                RespValue reply = backend.call(session.db(), request);
                if (reply instanceof RespValue.Error) {
                    return reply;
                }
                replies.add(reply);
            }
            return switch (spec.kv().merge()) {
                case SUM -> Replies.integer(replies.stream().mapToLong(r -> ((RespValue.Integer) r).value()).sum());
                case ALL_OK -> Replies.OK;
                case SORTED_PAIRS -> sortedPairs(replies);
                case CONCAT -> new RespValue.Array(replies.stream()
                        .flatMap(reply -> ((RespValue.Array) reply).elements().stream()).toList());
                default -> throw new IllegalStateException(spec.name() + ": \"proxy\": \"all\" needs a merge");
            };
        }
        finally {
            if (spec.is(CommandFlag.WRITE)) {
                cache.writtenAll();
            }
        }
    }

    /** Flat key, value arrays from several backends, merged back into key order. */
    private static RespValue sortedPairs(List<RespValue> replies) {
        List<RespValue[]> pairs = new ArrayList<>();
        for (RespValue reply : replies) {
            List<RespValue> flat = ((RespValue.Array) reply).elements();
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
}
