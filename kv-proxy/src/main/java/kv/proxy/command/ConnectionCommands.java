package kv.proxy.command;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import kv.protocol.endpoint.ClientCommands;
import kv.protocol.resp.Replies;
import kv.protocol.resp.RespValue;
import kv.protocol.resp.Request;
import kv.proxy.tcp.ClientRegistry;
import kv.proxy.tcp.ClientSession;
import org.springframework.stereotype.Component;

/**
 * PING, ECHO, QUIT, HELLO, SELECT and CLIENT, answered by the proxy itself: they are about the
 * client's connection to the proxy, not about any backend. {@code CLIENT KVSOURCE ON} is the
 * proxy's own: it asks for GET replies marked with where they came from.
 */
@Component
public class ConnectionCommands implements CommandGroup {


    private final ClientRegistry clients;

    public ConnectionCommands(ClientRegistry clients) {
        this.clients = clients;
    }

    @Override
    public void register(Map<String, CommandHandler> handlers) {
        handlers.put("ping", this::ping);
        handlers.put("echo", (request, session) -> Replies.bulk(request.arg(1)));
        handlers.put("quit", (request, session) -> {
            session.requestClose();
            return Replies.OK;
        });
        handlers.put("hello", (request, session) -> ClientCommands.hello(request, session, "kv-proxy"));
        handlers.put("client", this::client);
    }

    RespValue ping(Request request, ClientSession session) {
        if (request.size() > 2) {
            return Replies.wrongArity("ping");
        }
        return request.size() == 1 ? Replies.PONG : Replies.bulk(request.arg(1));
    }

    RespValue client(Request request, ClientSession session) {
        String sub = request.argString(1).toLowerCase(Locale.ROOT);
        RespValue common = ClientCommands.common(sub, request, session);
        if (common != null) {
            return common;
        }
        switch (sub) {
            case "info":
                return Replies.bulk(describe(session) + "\n");
            case "list": {
                StringBuilder list = new StringBuilder();
                for (ClientSession client : clients.sessions()) {
                    list.append(describe(client)).append('\n');
                }
                return Replies.bulk(list.toString());
            }
            case "kvsource":
                return kvSource(request, session);
            case "tracking":
                return Replies.error("ERR CLIENT TRACKING is not offered by kv-proxy: its own cache is kept"
                        + " coherent; track keys on the servers directly");
            default:
                return Replies.error("ERR unknown subcommand '" + request.argString(1)
                        + "'. Try CLIENT ID, GETNAME, SETNAME, INFO, LIST, KVSOURCE.");
        }
    }

    /**
     * {@code CLIENT KVSOURCE ON|OFF}: with ON, GET replies on this connection carry a RESP3
     * attribute {@code {"source": "cache"|"backend"}}. Only kv's shell asks for it; other clients
     * never see attributes. Servers (and Redis) answer this command with an error, which is how the
     * shell knows it talks to a proxy.
     */
    private RespValue kvSource(Request request, ClientSession session) {
        if (request.size() != 3 || !(request.argIs(2, "on") || request.argIs(2, "off"))) {
            return Replies.error("ERR syntax: CLIENT KVSOURCE ON|OFF");
        }
        session.wantsSource(request.argIs(2, "on"));
        return Replies.OK;
    }

    private static String describe(ClientSession client) {
        long age = Duration.between(client.connectedAt(), Instant.now()).toSeconds();
        return "id=" + client.id() + " addr=" + client.address() + " name=" + client.name() + " age=" + age
                + " db=" + client.db() + " resp=" + client.protocol() + " kvsource=" + (client.wantsSource() ? "on" : "off");
    }
}
