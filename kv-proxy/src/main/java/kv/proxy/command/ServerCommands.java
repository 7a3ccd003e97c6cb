package kv.proxy.command;

import java.util.List;
import java.util.Map;

import kv.protocol.command.CommandSpec;
import kv.protocol.command.CommandIntrospection;
import kv.protocol.command.CommandTable;
import kv.protocol.command.KvTraits;
import kv.protocol.resp.Replies;
import kv.protocol.resp.RespValue;
import kv.protocol.resp.Request;
import kv.proxy.ops.ProxyInfo;
import kv.proxy.tcp.ClientSession;
import org.springframework.stereotype.Component;

/**
 * INFO, CONFIG, TIME and COMMAND as the proxy answers them: about the proxy, not forwarded (an
 * INFO of one backend would be wrong about the others).
 */
@Component
public class ServerCommands implements CommandGroup {

    private final ProxyInfo info;

    public ServerCommands(ProxyInfo info) {
        this.info = info;
    }

    @Override
    public void register(Map<String, CommandHandler> handlers) {
        handlers.put("info", (request, session) -> Replies.bulk(info.render(sections(request))));
        handlers.put("config", this::config);
        handlers.put("time", this::time);
        handlers.put("command", this::command);
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

    RespValue time(Request request, ClientSession session) {
        long micros = java.time.Instant.now().toEpochMilli() * 1000;
        return new RespValue.Array(List.of(Replies.bulk(Long.toString(micros / 1_000_000)),
                Replies.bulk(Long.toString(micros % 1_000_000))));
    }

    /** {@code COMMAND ...} about the commands kv-proxy answers: every spec not marked {@code "proxy": "none"}. */
    RespValue command(Request request, ClientSession session) {
        return CommandIntrospection.reply(request, ROUTED);
    }

    private static final List<CommandSpec> ROUTED = CommandTable.all().stream()
            .filter(spec -> spec.kv().proxy() != KvTraits.ProxyRoute.NONE).toList();
}
