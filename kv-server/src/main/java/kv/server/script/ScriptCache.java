package kv.server.script;

import java.util.concurrent.ConcurrentHashMap;

import org.luaj.vm2.Prototype;

/**
 * The scripts EVAL ran and SCRIPT LOAD loaded, by the SHA1 of their body (lower-case hex), as
 * Redis keeps them: until SCRIPT FLUSH or a restart, without bound.
 */
public final class ScriptCache {

    /** A compiled script; {@code noWrites} from its shebang ({@code #!lua flags=no-writes}). */
    public record Script(String sha, byte[] body, Prototype prototype, boolean noWrites) {
    }

    private final ConcurrentHashMap<String, Script> scripts = new ConcurrentHashMap<>();

    /** The script whose SHA1 is {@code sha} (any case), or null. */
    public Script get(String sha) {
        return scripts.get(sha.toLowerCase(java.util.Locale.ROOT));
    }

    public void put(Script script) {
        scripts.put(script.sha(), script);
    }

    public int size() {
        return scripts.size();
    }

    public void clear() {
        scripts.clear();
    }
}
