package kv.server.command;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import kv.protocol.command.CommandHandler;
import kv.protocol.command.CommandTable;
import kv.protocol.endpoint.AccessControl;
import kv.protocol.endpoint.ConnectionCommandGroup;
import kv.protocol.resp.Replies;
import kv.protocol.resp.RespValue;
import kv.protocol.resp.Request;
import kv.protocol.endpoint.ClientRegistry;
import kv.server.session.ClientSession;
import kv.server.tracking.InvalidationHub;
import kv.server.session.TrackingMode;
import kv.server.transaction.KeyWatches;
import org.springframework.stereotype.Component;

/**
 * The connection commands every kv service shares ({@link ConnectionCommandGroup}) and the
 * server's own CLIENT subcommands: TRACKING and TRACKINGINFO.
 */
@Component
public class ConnectionCommands extends ConnectionCommandGroup<ClientSession> {

    private final InvalidationHub invalidations;
    private final KeyWatches watches;
    private final ClientRegistry<ClientSession> clients;

    public ConnectionCommands(ClientRegistry<ClientSession> clients, InvalidationHub invalidations, KeyWatches watches,
                              AccessControl access) {
        super("kv", clients, CommandTable.all(), access);
        this.invalidations = invalidations;
        this.watches = watches;
        this.clients = clients;
    }

    @Override
    public void register(Map<String, CommandHandler<ClientSession>> handlers) {
        super.register(handlers); // SELECT is KeyspaceCommands'
    }

    @Override
    protected RespValue client(String subcommand, Request request, ClientSession session) {
        return switch (subcommand) {
            case "tracking" -> tracking(request, session);
            case "trackinginfo" -> trackingInfo(session);
            default -> null;
        };
    }

    /**
     * Redis's letters: {@code x} in MULTI, {@code P} subscribed, {@code t} tracking, {@code B} in
     * BCAST mode, {@code R} its REDIRECT client gone, {@code d} a watched key changed.
     */
    @Override
    protected String flags(ClientSession session) {
        TrackingMode mode = session.tracking();
        String flags = (session.inMulti() ? "x" : "") + (session.subscriptions().active() ? "P" : "")
                + (mode == null ? "" : mode.broadcast() ? "tB" : "t")
                + (mode != null && session.redirectBroken() ? "R" : "")
                + (session.watchedKeyChanged() ? "d" : "");
        return flags.isEmpty() ? "N" : flags;
    }

    /** The commands queued since MULTI, -1 outside it. */
    @Override
    protected int multi(ClientSession session) {
        return session.inMulti() ? session.queued().size() : -1;
    }

    /** The REDIRECT client's id while tracking (0: the pushes come on the connection itself), else -1. */
    @Override
    protected long redirect(ClientSession session) {
        return session.tracking() == null ? -1 : session.trackingRedirect();
    }

    @Override
    protected int db(ClientSession session) {
        return session.db();
    }

    @Override
    protected void reset(ClientSession session) {
        invalidations.disable(session);
        session.endMulti(); // RESET discards the transaction and the watches, as in Redis
        watches.unwatch(session);
        session.db(0);
    }

    /**
     * {@code CLIENT TRACKING ON|OFF [BCAST] [PREFIX p ...] [NOLOOP] [REDIRECT id]}: RESP3 pushes on
     * this connection, or messages to the REDIRECT client. On RESP2 without REDIRECT it is accepted
     * and nothing is sent until the connection speaks RESP3 (HELLO 3), as in Redis.
     */
    RespValue tracking(Request request, ClientSession session) {
        if (request.size() < 3) {
            return Replies.error("ERR wrong number of arguments for 'client|tracking' command");
        }
        if (request.argIs(2, "off")) {
            invalidations.disable(session);
            return Replies.OK;
        }
        if (!request.argIs(2, "on")) {
            return Replies.SYNTAX_ERROR;
        }
        boolean broadcast = false;
        boolean noLoop = false;
        long redirect = 0;
        List<byte[]> prefixes = new ArrayList<>();
        for (int i = 3; i < request.size(); i++) {
            if (request.argIs(i, "bcast")) {
                broadcast = true;
            }
            else if (request.argIs(i, "noloop")) {
                noLoop = true;
            }
            else if (request.argIs(i, "prefix") && i + 1 < request.size()) {
                prefixes.add(request.arg(++i));
            }
            else if (request.argIs(i, "redirect") && i + 1 < request.size()) {
                Long id = Numbers.parseLong(request.arg(++i));
                if (id == null) {
                    return Replies.error(Numbers.NOT_AN_INTEGER);
                }
                if (clients.find(id) == null) {
                    return Replies.error("ERR The client ID you want redirect to does not exist");
                }
                redirect = id;
            }
            else if (request.argIs(i, "optin") || request.argIs(i, "optout")) {
                return Replies.error("ERR CLIENT TRACKING " + request.argString(i).toUpperCase(java.util.Locale.ROOT)
                        + " is not supported by kv: use RESP3 (HELLO 3) and receive invalidations on this connection");
            }
            else {
                return Replies.SYNTAX_ERROR;
            }
        }
        if (!prefixes.isEmpty() && !broadcast) {
            return Replies.error("ERR PREFIX option requires BCAST mode to be enabled");
        }
        invalidations.enable(session, new TrackingMode(broadcast, List.copyOf(prefixes), noLoop));
        session.trackingRedirect(redirect);
        return Replies.OK;
    }

    private RespValue trackingInfo(ClientSession session) {
        TrackingMode mode = session.tracking();
        List<RespValue> flags = new ArrayList<>();
        if (mode == null) {
            flags.add(Replies.bulk("off"));
        }
        else {
            flags.add(Replies.bulk("on"));
            if (mode.broadcast()) {
                flags.add(Replies.bulk("bcast"));
            }
            if (mode.noLoop()) {
                flags.add(Replies.bulk("noloop"));
            }
            if (session.redirectBroken()) {
                flags.add(Replies.bulk("broken_redirect"));
            }
        }
        List<RespValue> prefixes = new ArrayList<>();
        if (mode != null) {
            mode.prefixes().forEach(prefix -> prefixes.add(Replies.bulk(prefix)));
            if (mode.broadcast() && prefixes.isEmpty()) {
                prefixes.add(Replies.bulk("")); // BCAST without PREFIX tracks the one empty prefix, as Redis says
            }
        }
        return new RespValue.Map(List.of(
                Replies.bulk("flags"), new RespValue.Set(flags),
                Replies.bulk("redirect"), Replies.integer(mode == null ? -1 : session.trackingRedirect()),
                Replies.bulk("prefixes"), new RespValue.Array(prefixes)));
    }
}
