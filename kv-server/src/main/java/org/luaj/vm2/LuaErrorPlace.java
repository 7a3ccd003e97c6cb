package org.luaj.vm2;

/**
 * Reads the place LuaJ recorded in a {@link LuaError} (the innermost Lua function's source and
 * line, e.g. {@code @user_script:3}), which LuaJ keeps in a protected field: Redis puts it in
 * every script error ("script: sha, on @user_script:3."). In LuaJ's package for that reason only.
 */
public final class LuaErrorPlace {

    private LuaErrorPlace() {
    }

    public static String fileline(LuaError e) {
        return e.fileline;
    }
}
