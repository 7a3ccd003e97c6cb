package kv.proxy.command;

import java.util.Map;

import kv.protocol.command.CommandHandler;
import kv.protocol.command.CommandTable;
import kv.protocol.command.KvTraits;
import kv.protocol.endpoint.AccessControl;
import kv.protocol.endpoint.ClientRegistry;
import kv.protocol.endpoint.ConnectionCommandGroup;
import kv.protocol.resp.Replies;
import kv.protocol.resp.RespValue;
import kv.protocol.resp.Request;
import kv.proxy.session.ClientSession;
import org.springframework.stereotype.Component;

/**
 * The connection commands every kv service shares ({@link ConnectionCommandGroup}), answered by
 * the proxy itself: they are about the client's connection to the proxy, not about any backend.
 * Also SELECT, and the proxy's own CLIENT subcommands: {@code CLIENT KVSOURCE ON} asks for GET
 * replies marked with where they came from; CLIENT TRACKING is refused.
 */
@Component
public class ConnectionCommands extends ConnectionCommandGroup<ClientSession> {

    public ConnectionCommands(ClientRegistry<ClientSession> clients, AccessControl access) {
        // COMMAND lists what kv-proxy answers: every spec not marked "proxy": "none".
        super("kv-proxy", clients, CommandTable.all().stream()
                .filter(spec -> spec.kv().proxy() != KvTraits.ProxyRoute.NONE).toList(), access);
    }

    @Override
    public void register(Map<String, CommandHandler<ClientSession>> handlers) {
        super.register(handlers); // SELECT is DatabaseCommands'
    }

    @Override
    protected RespValue client(String subcommand, Request request, ClientSession session) {
        return switch (subcommand) {
            case "kvsource" -> kvSource(request, session);
            case "tracking" -> Replies.error("ERR CLIENT TRACKING is not offered by kv-proxy: its own cache is kept"
                    + " coherent; track keys on the servers directly");
            default -> null;
        };
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

    @Override
    protected void reset(ClientSession client) {
        client.wantsSource(false);
        client.db(0);
    }

    @Override
    protected int db(ClientSession client) {
        return client.db();
    }

    @Override
    protected void describe(ClientSession client, StringBuilder line) {
        line.append(" kvsource=").append(client.wantsSource() ? "on" : "off");
    }
}
