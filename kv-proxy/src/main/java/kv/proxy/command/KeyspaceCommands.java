package kv.proxy.command;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import kv.protocol.command.CommandGroup;
import kv.protocol.command.CommandHandler;
import kv.protocol.resp.Replies;
import kv.protocol.resp.RespValue;
import kv.protocol.resp.Request;
import kv.proxy.backend.Backend;
import kv.proxy.backend.Backends;
import kv.proxy.session.ClientSession;
import org.springframework.stereotype.Component;

/**
 * SCAN and RANDOMKEY over every backend, as if their keys were one keyspace (KEYS needs nothing of
 * its own: its spec concatenates every backend's answer).
 *
 * <p>Design note, one cursor space: a SCAN cursor of the proxy is {@code backendCursor * N + i}
 * for backend {@code i} of {@code N} (in the order of {@code kv.proxy.backends}), an unsigned
 * 64-bit integer as clients parse it. 0 starts on backend 0; when backend {@code i} answers
 * cursor 0 the iteration goes on at backend {@code i + 1} with its cursor 0 (the proxy cursor
 * {@code i + 1}; at once, in the same call, if its last page was empty), and ends after the
 * last. Each backend keeps its own guarantee (every key
 * present for the whole iteration is returned at least once), so the union keeps it. With one
 * backend the cursors are the backend's own. Redis's cursors stay far below 2^64 / N (they
 * index its hash table), and kv-server's below 2^41.
 */
@Component
public class KeyspaceCommands implements CommandGroup<ClientSession> {

    private final Backends backends;

    public KeyspaceCommands(Backends backends) {
        this.backends = backends;
    }

    @Override
    public void register(Map<String, CommandHandler<ClientSession>> handlers) {
        handlers.put("scan", (BackendCommandHandler) this::scan);
        handlers.put("randomkey", (BackendCommandHandler) this::randomKey);
    }

    /** {@code SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]} across every backend. */
    RespValue scan(Request request, ClientSession session) {
        long cursor;
        try {
            cursor = parseCursor(request.argString(1));
        }
        catch (NumberFormatException e) {
            return Replies.error("ERR invalid cursor");
        }
        List<Backend> all = backends.all();
        long n = all.size();
        int index = (int) Long.remainderUnsigned(cursor, n);
        long backendCursor = Long.divideUnsigned(cursor, n);
        byte[][] args = new byte[request.size()][];
        for (int i = 0; i < args.length; i++) {
            args[i] = request.arg(i);
        }
        while (true) {
            args[1] = Long.toUnsignedString(backendCursor).getBytes();
            RespValue reply = all.get(index).call(session.db(), new Request(args));
            if (!(reply instanceof RespValue.Array page) || page.elements().size() != 2
                    || !(page.elements().get(0) instanceof RespValue.BulkString next)
                    || !(page.elements().get(1) instanceof RespValue.Array keys)) {
                return reply; // an error (a wrong option): as the backend said it
            }
            long nextCursor;
            try {
                nextCursor = parseCursor(next.asString());
            }
            catch (NumberFormatException e) {
                return Replies.error("ERR kv-proxy: backend " + all.get(index).name() + " answered cursor "
                        + next.asString());
            }
            if (nextCursor != 0) {
                if (Long.compareUnsigned(nextCursor, Long.divideUnsigned(-1L - index, n)) > 0) {
                    return Replies.error("ERR kv-proxy: backend " + all.get(index).name()
                            + "'s cursor is too large to combine with the backend's index");
                }
                return page(nextCursor * n + index, keys);
            }
            if (index + 1 == n) {
                return page(0, keys);
            }
            if (!keys.elements().isEmpty()) {
                return page(index + 1, keys); // the next backend from its start
            }
            index++; // this backend is done and gave nothing: no empty page, go on with the next
            backendCursor = 0;
        }
    }

    private static RespValue page(long cursor, RespValue.Array keys) {
        return new RespValue.Array(List.of(Replies.bulk(Long.toUnsignedString(cursor)), keys));
    }

    /** A cursor as Redis reads one: decimal digits only, up to 2^64 - 1. */
    private static long parseCursor(String text) {
        if (text.isEmpty() || !text.chars().allMatch(Character::isDigit)) {
            throw new NumberFormatException(text);
        }
        return Long.parseUnsignedLong(text);
    }

    /**
     * {@code RANDOMKEY}: a backend picked with a probability proportional to its number of keys
     * (DBSIZE), then its RANDOMKEY, so every key is as likely as on one server; nil when all are
     * empty. A backend found empty meanwhile passes the turn to the others.
     */
    RespValue randomKey(Request request, ClientSession session) {
        List<Backend> all = backends.all();
        if (all.size() == 1) {
            return all.get(0).call(session.db(), request);
        }
        List<Long> sizes = new ArrayList<>(all.size());
        long total = 0;
        for (Backend backend : all) {
            RespValue size = backend.call(session.db(), Request.of("DBSIZE"));
            if (!(size instanceof RespValue.Integer count)) {
                return size;
            }
            sizes.add(count.value());
            total += count.value();
        }
        if (total == 0) {
            return Replies.NULL;
        }
        long pick = ThreadLocalRandom.current().nextLong(total);
        int chosen = 0;
        while (pick >= sizes.get(chosen)) {
            pick -= sizes.get(chosen);
            chosen++;
        }
        for (int i = 0; i < all.size(); i++) {
            RespValue key = all.get((chosen + i) % all.size()).call(session.db(), request);
            if (!(key instanceof RespValue.Null)) {
                return key;
            }
        }
        return Replies.NULL;
    }
}
