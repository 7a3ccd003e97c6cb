package kv.protocol.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import kv.protocol.resp.Replies;
import kv.protocol.resp.RespValue;
import kv.protocol.resp.Request;

/**
 * CONFIG SET over a service's table of {@link RuntimeSetting}s, as Redis 7.0 answers it: several
 * {@code parameter value} pairs at once, all or none (every value is checked before any is
 * applied), and Redis's errors for an unknown parameter, a duplicate, one that cannot change
 * while Redis runs ({@code can't set immutable config}, {@code can't set protected config}),
 * and a bad value. A parameter Redis could change but kv cannot says so.
 *
 * <p>Changes last until the service stops: kv has no Redis config file to rewrite (CONFIG
 * REWRITE answers Redis's {@code The server is running without a config file}).
 */
public final class RuntimeSettings {

    /** Redis 7.0's parameters CONFIG SET refuses as immutable (asked of redis-server 7.0.15). */
    private static final Set<String> REDIS_IMMUTABLE = lines("/kv/config/redis-immutable.txt");
    /** Redis's protected parameters (enable-protected-configs no, its default). */
    private static final Set<String> REDIS_PROTECTED = Set.of("dir", "dbfilename");

    private final Map<String, RuntimeSetting> settable = new LinkedHashMap<>();

    public RuntimeSettings(Collection<RuntimeSetting> rows) {
        for (RuntimeSetting row : rows) {
            if (settable.put(row.name(), row) != null) {
                throw new IllegalStateException("two rows for CONFIG SET " + row.name());
            }
        }
    }

    /** The parameters CONFIG SET changes, in their order. */
    public Map<String, RuntimeSetting> settable() {
        return java.util.Collections.unmodifiableMap(settable);
    }

    /** Replaces in {@code values} (CONFIG GET's) each settable parameter's value by its current one. */
    public void current(Map<String, String> values) {
        settable.forEach((name, row) -> values.put(name, Secrets.shown(name, row.value())));
    }

    /**
     * {@code CONFIG SET parameter value [parameter value ...]}.
     *
     * @param known every parameter CONFIG GET lists (an unknown one gets Redis's unknown-option error)
     */
    public RespValue set(Request request, Set<String> known) {
        if (request.size() < 4 || request.size() % 2 != 0) {
            return Replies.wrongArity("config|set");
        }
        Set<String> seen = new HashSet<>();
        List<RuntimeSetting> rows = new ArrayList<>();
        for (int i = 2; i < request.size(); i += 2) {
            String name = request.argString(i).toLowerCase(Locale.ROOT);
            RuntimeSetting row = settable.get(name);
            if (row == null && !known.contains(name)) {
                return Replies.error("ERR Unknown option or number of arguments for CONFIG SET - '"
                        + request.argString(i) + "'");
            }
            if (!seen.add(name)) {
                return failed(request.argString(i), "duplicate parameter");
            }
            if (row == null) {
                return failed(request.argString(i), REDIS_IMMUTABLE.contains(name) ? "can't set immutable config"
                        : REDIS_PROTECTED.contains(name) ? "can't set protected config"
                        : "kv does not change this parameter at run time (set it by application.yml, a flag or an "
                                + "environment variable, then restart)");
            }
            rows.add(row);
        }
        List<Runnable> changes = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            try {
                changes.add(rows.get(i).prepare(request.argString(3 + 2 * i)));
            }
            catch (RuntimeSetting.InvalidValue e) {
                return failed(request.argString(2 + 2 * i), e.getMessage());
            }
        }
        changes.forEach(Runnable::run);
        return Replies.OK;
    }

    /** CONFIG REWRITE: kv, like a Redis started without a file, has none to write. */
    public static RespValue rewrite() {
        return Replies.error("ERR The server is running without a config file (kv's settings come from "
                + "application.yml, flags and environment variables; CONFIG SET lasts until restart)");
    }

    /** CONFIG HELP, Redis 7.0's text. */
    public static RespValue help() {
        return Replies.help("CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                "GET <pattern>",
                "    Return parameters matching the glob-like <pattern> and their values.",
                "SET <directive> <value>",
                "    Set the configuration <directive> to <value>.",
                "RESETSTAT",
                "    Reset statistics reported by the INFO command.",
                "REWRITE",
                "    Rewrite the configuration file.",
                "HELP",
                "    Prints this help.");
    }

    private static RespValue failed(String name, String reason) {
        return Replies.error("ERR CONFIG SET failed (possibly related to argument '" + name + "') - " + reason);
    }

    private static Set<String> lines(String resource) {
        try (InputStream in = RuntimeSettings.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the jar");
            }
            Set<String> names = new HashSet<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    names.add(line.trim());
                }
            }
            return names;
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
