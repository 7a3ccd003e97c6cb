package kv.client.connection;

import java.io.Console;
import java.util.function.Function;

/**
 * Where the shell's password comes from: the environment variable {@code KV_PASSWORD}, else, if
 * a user was given ({@code --user}) or {@code --askpass}, a prompt on the terminal that does not
 * echo it. Never from the command line (see {@link ClientFlags}).
 */
public final class Password {

    /** The environment variable read for the password, as redis-cli reads {@code REDISCLI_AUTH}. */
    public static final String VARIABLE = "KV_PASSWORD";

    private Password() {
    }

    /**
     * The password, or null to log in as nobody (no AUTH).
     *
     * @param environment reads an environment variable ({@code System::getenv})
     * @throws IllegalStateException if one is needed and there is no terminal to ask on
     */
    public static char[] find(Function<String, String> environment, String user, boolean askpass, Console console) {
        String fromEnvironment = environment.apply(VARIABLE);
        if (fromEnvironment != null && !fromEnvironment.isEmpty()) {
            return fromEnvironment.toCharArray();
        }
        if (user == null && !askpass) {
            return null;
        }
        if (console == null) {
            throw new IllegalStateException("a password is needed for " + (user == null ? "the default user" : user)
                    + " and there is no terminal to ask on: set " + VARIABLE);
        }
        char[] typed = console.readPassword("Password%s: ", user == null ? "" : " for " + user);
        return typed == null ? new char[0] : typed;
    }
}
