package kv.proxy.command;

import java.util.List;
import java.util.Map;

import kv.protocol.command.CommandGroup;
import kv.protocol.command.CommandHandler;
import kv.protocol.resp.Replies;
import kv.protocol.resp.RespValue;
import kv.protocol.resp.Request;
import kv.proxy.ops.ProxyInfo;
import kv.proxy.session.ClientSession;
import org.springframework.stereotype.Component;

/**
 * INFO and CONFIG as the proxy answers them (TIME and COMMAND: see ConnectionCommandGroup): about the proxy, not forwarded (an
 * INFO of one backend would be wrong about the others).
 */
@Component
public class ServerCommands implements CommandGroup<ClientSession> {

    private final ProxyInfo info;

    public ServerCommands(ProxyInfo info) {
        this.info = info;
    }

    @Override
    public void register(Map<String, CommandHandler<ClientSession>> handlers) {
        handlers.put("info", (request, session) -> Replies.bulk(info.render(sections(request))));
        handlers.put("config", this::config);
    }

    private static List<String> sections(Request request) {
        List<String> sections = new java.util.ArrayList<>();
        for (int i = 1; i < request.size(); i++) {
            sections.add(request.argString(i));
        }
        return sections;
    }

    /** {@code CONFIG GET}: the proxy has no Redis-style parameters; an empty answer (as tools expect). */
    RespValue config(Request request, ClientSession session) {
        if (!request.argIs(1, "get")) {
            return Replies.error("ERR kv-proxy supports only CONFIG GET; it is configured by kv.proxy.* settings");
        }
        return session.protocol() == 3 ? Replies.EMPTY_MAP : Replies.EMPTY_ARRAY;
    }
}
