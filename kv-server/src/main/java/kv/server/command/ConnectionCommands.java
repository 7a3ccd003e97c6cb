package kv.server.command;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import kv.protocol.endpoint.ClientCommands;
import kv.protocol.resp.Replies;
import kv.protocol.resp.RespValue;
import kv.protocol.resp.Request;
import kv.server.tcp.ClientRegistry;
import kv.server.tcp.ClientSession;
import kv.server.tracking.InvalidationHub;
import kv.server.tracking.TrackingMode;
import org.springframework.stereotype.Component;

/** PING, ECHO, QUIT, HELLO and CLIENT: commands about the connection itself. */
@Component
public class ConnectionCommands implements CommandGroup {


    private final ClientRegistry clients;
    private final InvalidationHub invalidations;

    public ConnectionCommands(ClientRegistry clients, InvalidationHub invalidations) {
        this.clients = clients;
        this.invalidations = invalidations;
    }

    @Override
    public void register(Map<String, CommandHandler> handlers) {
        handlers.put("ping", this::ping);
        handlers.put("echo", (request, session) -> Replies.bulk(request.arg(1)));
        handlers.put("quit", this::quit);
        handlers.put("hello", (request, session) -> ClientCommands.hello(request, session, "kv"));
        handlers.put("client", this::client);
    }

    RespValue ping(Request request, ClientSession session) {
        return switch (request.size()) {
            case 1 -> Replies.PONG;
            case 2 -> Replies.bulk(request.arg(1));
            default -> Replies.wrongArity("ping");
        };
    }

    RespValue quit(Request request, ClientSession session) {
        session.requestClose();
        return Replies.OK;
    }

    RespValue client(Request request, ClientSession session) {
        String sub = request.argString(1).toLowerCase(java.util.Locale.ROOT);
        RespValue common = ClientCommands.common(sub, request, session);
        if (common != null) {
            return common;
        }
        switch (sub) {
            case "tracking":
                return tracking(request, session);
            case "trackinginfo":
                return trackingInfo(session);
            case "info":
                return Replies.bulk(describe(session) + "\n");
            case "list": {
                StringBuilder list = new StringBuilder();
                for (ClientSession client : clients.sessions()) {
                    list.append(describe(client)).append('\n');
                }
                return Replies.bulk(list.toString());
            }
            default:
                return Replies.error("ERR unknown subcommand '" + request.argString(1)
                        + "'. Try CLIENT ID, GETNAME, SETNAME, INFO, LIST, TRACKING, TRACKINGINFO.");
        }
    }

    /** {@code CLIENT TRACKING ON|OFF [BCAST] [PREFIX p ...] [NOLOOP]}: RESP3 pushes on this connection. */
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
            else if (request.argIs(i, "redirect") || request.argIs(i, "optin") || request.argIs(i, "optout")) {
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
        if (session.protocol() < 3) {
            return Replies.error("ERR CLIENT TRACKING needs RESP3 here: send HELLO 3 first (REDIRECT is not supported)");
        }
        invalidations.enable(session, new TrackingMode(broadcast, List.copyOf(prefixes), noLoop));
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
        }
        List<RespValue> prefixes = new ArrayList<>();
        if (mode != null) {
            mode.prefixes().forEach(prefix -> prefixes.add(Replies.bulk(prefix)));
        }
        return new RespValue.Map(List.of(
                Replies.bulk("flags"), new RespValue.Set(flags),
                Replies.bulk("redirect"), Replies.integer(mode == null ? -1 : 0),
                Replies.bulk("prefixes"), new RespValue.Array(prefixes)));
    }

    private static String describe(ClientSession client) {
        long age = Duration.between(client.connectedAt(), Instant.now()).toSeconds();
        List<String> fields = new ArrayList<>();
        fields.add("id=" + client.id());
        fields.add("addr=" + client.address());
        fields.add("name=" + client.name());
        fields.add("age=" + age);
        fields.add("db=" + client.db());
        fields.add("resp=" + client.protocol());
        fields.add("cmd=" + client.lastCommand());
        return String.join(" ", fields);
    }
}
