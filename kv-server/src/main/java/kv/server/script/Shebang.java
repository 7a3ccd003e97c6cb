package kv.server.script;

import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * Redis 7.0's script shebang, {@code #!lua flags=no-writes,allow-oom}: the first line of a script
 * that declares its engine and flags. Of the flags, kv acts on {@code no-writes} (the script is
 * read-only, as with EVAL_RO); the others are accepted, as Redis accepts them, and change nothing
 * in kv (no memory limit, no cluster, no replicas).
 */
public final class Shebang {

    private static final Set<String> FLAGS = Set.of("no-writes", "allow-oom", "allow-stale", "no-cluster",
            "allow-cross-slot-keys");

    private Shebang() {
    }

    /** True if {@code body} declares {@code no-writes}; throws Redis's error for a bad shebang. */
    public static boolean noWrites(byte[] body) throws LuaEngine.CompileError {
        if (body.length < 2 || body[0] != '#' || body[1] != '!') {
            return false;
        }
        int end = 0;
        while (end < body.length && body[end] != '\n') {
            end++;
        }
        String line = new String(body, 0, end, StandardCharsets.UTF_8).strip();
        String[] parts = line.split(" +");
        if (!parts[0].equals("#!lua")) {
            throw new LuaEngine.CompileError("ERR Unexpected engine in script shebang: " + parts[0]);
        }
        boolean noWrites = false;
        for (int i = 1; i < parts.length; i++) {
            if (!parts[i].startsWith("flags=")) {
                throw new LuaEngine.CompileError("ERR Unknown lua shebang option: " + parts[i]);
            }
            for (String flag : parts[i].substring("flags=".length()).split(",")) {
                if (flag.isEmpty()) {
                    continue;
                }
                if (!FLAGS.contains(flag)) {
                    throw new LuaEngine.CompileError("ERR Unexpected flag in script shebang: " + flag);
                }
                noWrites |= flag.equals("no-writes");
            }
        }
        return noWrites;
    }
}
