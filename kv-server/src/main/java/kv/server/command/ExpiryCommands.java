package kv.server.command;

import java.time.Clock;
import java.util.List;
import java.util.Map;

import kv.protocol.command.CommandGroup;
import kv.protocol.command.CommandHandler;
import kv.protocol.resp.Replies;
import kv.protocol.resp.RespValue;
import kv.protocol.resp.Request;
import kv.server.pubsub.KeyspaceEvents;
import kv.server.store.DiskGuard;
import kv.server.store.KeyValueStore;
import kv.server.store.KeyValueStore.Entry;
import kv.server.session.ClientSession;
import kv.server.tracking.InvalidationHub;
import org.springframework.stereotype.Component;

/**
 * The commands that set, read and clear a key's expiry: SETEX, PSETEX, GETEX, EXPIRE, PEXPIRE,
 * EXPIREAT, PEXPIREAT, TTL, PTTL, EXPIRETIME, PEXPIRETIME, PERSIST. Expiry times are absolute
 * wall-clock times in ms (the injected {@link Clock}), stored in the value's header.
 */
@Component
public class ExpiryCommands implements CommandGroup<ClientSession> {

    private final KeyValueStore store;
    private final InvalidationHub invalidations;
    private final WriteBatcher batcher;
    private final DiskGuard disk;
    private final Clock clock;
    private final Databases databases;

    private final KeyspaceEvents events;

    public ExpiryCommands(KeyValueStore store, InvalidationHub invalidations, WriteBatcher batcher, DiskGuard disk,
                          Clock clock, Databases databases, KeyspaceEvents events) {
        this.events = events;
        this.databases = databases;
        this.store = store;
        this.invalidations = invalidations;
        this.batcher = batcher;
        this.disk = disk;
        this.clock = clock;
    }

    @Override
    public void register(Map<String, CommandHandler<ClientSession>> handlers) {
        handlers.put("setex", (request, session) -> setex(request, session, SetOptions.Unit.SECONDS));
        handlers.put("psetex", (request, session) -> setex(request, session, SetOptions.Unit.MILLISECONDS));
        handlers.put("getex", this::getex);
        handlers.put("expire", (request, session) -> expire(request, session, SetOptions.Unit.SECONDS, true));
        handlers.put("pexpire", (request, session) -> expire(request, session, SetOptions.Unit.MILLISECONDS, true));
        handlers.put("expireat", (request, session) -> expire(request, session, SetOptions.Unit.SECONDS, false));
        handlers.put("pexpireat", (request, session) -> expire(request, session, SetOptions.Unit.MILLISECONDS, false));
        handlers.put("ttl", (request, session) -> ttl(request, session, false, false));
        handlers.put("pttl", (request, session) -> ttl(request, session, true, false));
        handlers.put("expiretime", (request, session) -> ttl(request, session, false, true));
        handlers.put("pexpiretime", (request, session) -> ttl(request, session, true, true));
        handlers.put("persist", this::persist);
    }

    /** {@code SETEX key seconds value}, {@code PSETEX key ms value}: SET with EX or PX, staged like it. */
    RespValue setex(Request request, ClientSession session, SetOptions.Unit unit) {
        String diskFull = disk.refusal(request.arg(1).length + (long) request.arg(3).length);
        if (diskFull != null) {
            return Replies.error(diskFull);
        }
        SetOptions.ExpireTime time = SetOptions.expireAt(request.arg(2), unit, true, clock.millis(), request.name());
        if (time.error() != null) {
            return Replies.error(time.error());
        }
        batcher.stage(session, List.of(new Entry(databases.key(session, request.arg(1)), request.arg(3), time.at())));
        return Replies.OK;
    }

    /**
     * {@code GETEX key [EX s | PX ms | EXAT s | PXAT ms | PERSIST]}: the value, and the expiry
     * changed as asked. As in Redis, an absent key answers nil before the time is checked.
     */
    RespValue getex(Request request, ClientSession session) {
        SetOptions options = SetOptions.parse(request, 2, true);
        if (options.error != null) {
            return Replies.error(options.error);
        }
        byte[] key = databases.key(session, request.arg(1));
        long now = clock.millis();
        RespValue[] reply = new RespValue[1];
        List<Entry> written = store.update(List.of(key), current -> {
            Entry entry = current.get(0);
            if (entry == null) {
                reply[0] = Replies.NULL;
                return List.of();
            }
            byte[] value = entry.value(); // WRONGTYPE for a hash, before the time is checked, as in Redis
            if (options.expiry != null) {
                SetOptions.ExpireTime time = options.expireAt(now, request.name());
                if (time.error() != null) {
                    reply[0] = Replies.error(time.error());
                    return List.of();
                }
                reply[0] = Replies.bulk(value);
                return List.of(entry.withExpiry(time.at()));
            }
            reply[0] = Replies.bulk(value);
            return options.persist && entry.expires() ? List.of(entry.withExpiry(Entry.NO_EXPIRY)) : List.of();
        });
        written(session, request, written);
        return reply[0];
    }

    /**
     * {@code EXPIRE key seconds [NX | XX | GT | LT]} and PEXPIRE, EXPIREAT, PEXPIREAT: 1 if the
     * expiry was set, 0 if the key is absent or the condition failed. A time already past
     * deletes the key (and answers 1), as in Redis. No expiry counts as an infinite one for GT
     * and LT.
     */
    RespValue expire(Request request, ClientSession session, SetOptions.Unit unit, boolean relative) {
        boolean nx = false;
        boolean xx = false;
        boolean gt = false;
        boolean lt = false;
        for (int i = 3; i < request.size(); i++) {
            if (request.argIs(i, "nx")) {
                nx = true;
            }
            else if (request.argIs(i, "xx")) {
                xx = true;
            }
            else if (request.argIs(i, "gt")) {
                gt = true;
            }
            else if (request.argIs(i, "lt")) {
                lt = true;
            }
            else {
                return Replies.error("ERR Unsupported option " + request.argString(i));
            }
        }
        if (nx && (xx || gt || lt)) {
            return Replies.error("ERR NX and XX, GT or LT options at the same time are not compatible");
        }
        if (gt && lt) {
            return Replies.error("ERR GT and LT options at the same time are not compatible");
        }
        Long amount = Numbers.parseLong(request.arg(2));
        if (amount == null) {
            return Replies.error(Numbers.NOT_AN_INTEGER);
        }
        long when = amount;
        String command = request.name();
        if (unit == SetOptions.Unit.SECONDS) {
            if (when > Long.MAX_VALUE / 1000 || when < Long.MIN_VALUE / 1000) {
                return Replies.error(SetOptions.invalidExpireTime(command));
            }
            when *= 1000;
        }
        long now = clock.millis();
        long base = relative ? now : 0;
        if (when > Long.MAX_VALUE - base) {
            return Replies.error(SetOptions.invalidExpireTime(command));
        }
        long expireAt = when + base;
        boolean onlyIfNone = nx;
        boolean onlyIfSome = xx;
        boolean onlyLater = gt;
        boolean onlySooner = lt;
        byte[] key = databases.key(session, request.arg(1));
        RespValue[] reply = {Replies.ZERO};
        List<Entry> written = store.update(List.of(key), current -> {
            Entry entry = current.get(0);
            if (entry == null
                    || onlyIfNone && entry.expires()
                    || onlyIfSome && !entry.expires()
                    || onlyLater && (!entry.expires() || expireAt <= entry.expireAt())
                    || onlySooner && entry.expires() && expireAt >= entry.expireAt()) {
                return List.of();
            }
            reply[0] = Replies.ONE;
            // Zero or less is stored as "expires at the epoch's first ms": deleted by the write.
            return List.of(expireAt <= now ? Entry.deletion(key) : entry.withExpiry(expireAt));
        });
        written(session, request, written);
        return reply[0];
    }

    /**
     * {@code TTL}, {@code PTTL} (time left, in s rounded or ms) and {@code EXPIRETIME},
     * {@code PEXPIRETIME} (the absolute time): -2 for an absent key, -1 for one without expiry.
     */
    RespValue ttl(Request request, ClientSession session, boolean millis, boolean absolute) {
        Entry entry = store.get(databases.key(session, request.arg(1)));
        if (entry == null) {
            return Replies.integer(-2);
        }
        if (!entry.expires()) {
            return Replies.integer(-1);
        }
        long ttl = Math.max(0, absolute ? entry.expireAt() : entry.expireAt() - clock.millis());
        // (ttl + 500) / 1000 without overflowing: an expiry at Long.MAX_VALUE ms is 9223372036854776 s, as Redis says.
        return Replies.integer(millis ? ttl : ttl / 1000 + (ttl % 1000 + 500) / 1000);
    }

    /** {@code PERSIST key}: 1 if the key's expiry was removed, 0 if it had none or is absent. */
    RespValue persist(Request request, ClientSession session) {
        byte[] key = databases.key(session, request.arg(1));
        List<Entry> written = store.update(List.of(key), current -> {
            Entry entry = current.get(0);
            return entry == null || !entry.expires() ? List.of() : List.of(entry.withExpiry(Entry.NO_EXPIRY));
        });
        written(session, request, written);
        return written.isEmpty() ? Replies.ZERO : Replies.ONE;
    }

    /** Tells tracking clients, and publishes Redis's event: {@code del} (a time already past), {@code expire} or {@code persist}. */
    private void written(ClientSession session, Request request, List<Entry> written) {
        if (!written.isEmpty()) {
            invalidations.written(session, List.of(request.arg(1)));
            Entry entry = written.get(0);
            String event = entry.isDeletion() || entry.expiredAt(clock.millis()) ? "del"
                    : entry.expires() ? "expire" : "persist";
            events.notify(KeyspaceEvents.GENERIC, event, session.db(), request.arg(1));
        }
    }
}
