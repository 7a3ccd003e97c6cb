package kv.proxy.command;

import java.util.List;
import java.util.Map;

import kv.protocol.command.CommandGroup;
import kv.protocol.command.CommandHandler;
import kv.protocol.resp.Replies;
import kv.protocol.resp.RespValue;
import kv.protocol.resp.Request;
import kv.protocol.Glob;
import kv.protocol.config.RuntimeSettings;
import kv.proxy.ops.ProxyConfig;
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
    private final ProxyConfig config;
    private final RuntimeSettings settable;

    public ServerCommands(ProxyInfo info, ProxyConfig config, RuntimeSettings settable) {
        this.info = info;
        this.config = config;
        this.settable = settable;
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

    /**
     * {@code CONFIG GET parameter [parameter ...]}: glob patterns, matched without regard to case
     * as Redis does, over {@link ProxyConfig}'s parameters; each parameter at most once. CONFIG SET
     * changes those of {@link RuntimeSettings} until restart (the others come from the
     * {@code kv.proxy.*} settings); CONFIG REWRITE is refused as Redis refuses it without a file.
     */
    RespValue config(Request request, ClientSession session) {
        String sub = request.argString(1).toLowerCase(java.util.Locale.ROOT);
        switch (sub) {
            case "get": {
                if (request.size() < 3) {
                    return Replies.wrongArity("config|get");
                }
                List<Glob> patterns = new java.util.ArrayList<>();
                for (int i = 2; i < request.size(); i++) {
                    patterns.add(Glob.of(request.argString(i).toLowerCase(java.util.Locale.ROOT)
                            .getBytes(java.nio.charset.StandardCharsets.UTF_8)));
                }
                List<RespValue> reply = new java.util.ArrayList<>();
                config.values().forEach((name, value) -> {
                    byte[] bytes = name.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    if (patterns.stream().anyMatch(pattern -> pattern.matches(bytes))) {
                        reply.add(Replies.bulk(name));
                        reply.add(Replies.bulk(value));
                    }
                });
                return new RespValue.Map(reply);
            }
            case "set":
                return settable.set(request, config.values().keySet());
            case "rewrite":
                return request.size() == 2 ? RuntimeSettings.rewrite() : Replies.wrongArity("config|rewrite");
            case "resetstat":
                return Replies.error("ERR CONFIG RESETSTAT is not supported by kv-proxy: its counters are"
                        + " monotonic meters (/actuator/metrics)");
            case "help":
                return request.size() == 2 ? RuntimeSettings.help() : Replies.wrongArity("config|help");
            default:
                return Replies.error("ERR unknown subcommand '" + request.argString(1) + "'. Try CONFIG HELP.");
        }
    }
}
