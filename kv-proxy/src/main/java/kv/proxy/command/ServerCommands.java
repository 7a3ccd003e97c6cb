package kv.proxy.command;

import java.util.List;
import java.util.Map;

import kv.protocol.command.CommandGroup;
import kv.protocol.command.CommandHandler;
import kv.protocol.resp.Replies;
import kv.protocol.resp.RespValue;
import kv.protocol.resp.Request;
import kv.protocol.Glob;
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

    public ServerCommands(ProxyInfo info, ProxyConfig config) {
        this.info = info;
        this.config = config;
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
     * as Redis does, over {@link ProxyConfig}'s parameters; each parameter at most once. The
     * proxy is configured by its {@code kv.proxy.*} settings, so CONFIG SET is refused.
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
                return Replies.error("ERR CONFIG SET is not supported by kv-proxy: it is configured by its"
                        + " kv.proxy.* settings (application.yml, --kv.proxy.* flags, KV_PROXY_* variables)");
            case "resetstat":
                return Replies.error("ERR CONFIG RESETSTAT is not supported by kv-proxy: its counters are"
                        + " monotonic meters (/actuator/metrics)");
            case "help":
                return new RespValue.Array(java.util.stream.Stream.of(
                        "CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                        "GET <pattern>",
                        "    Return parameters matching the glob-like <pattern> and their values.",
                        "HELP",
                        "    Print this help.").map(line -> (RespValue) new RespValue.SimpleString(line)).toList());
            default:
                return Replies.error("ERR unknown subcommand '" + request.argString(1) + "'. Try CONFIG HELP.");
        }
    }
}
