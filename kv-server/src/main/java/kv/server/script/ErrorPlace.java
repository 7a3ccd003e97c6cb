package kv.server.script;

import org.luaj.vm2.LuaError;

/** Where in the script an error was raised, as Redis names it ("user_script:3"), or null. */
final class ErrorPlace {

    private ErrorPlace() {
    }

    static String of(LuaError e) {
        String place = org.luaj.vm2.LuaErrorPlace.fileline(e);
        if (place == null) {
            return null;
        }
        if (place.startsWith("@")) {
            place = place.substring(1);
        }
        return place.startsWith("user_script:") ? place : null;
    }
}
