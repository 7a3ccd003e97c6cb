package kv.protocol.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How kv shows a setting that may hold a secret, wherever settings are shown: CONFIG GET, the
 * Actuator's {@code env} and {@code configprops}, start-up errors and logs.
 *
 * <p>Two shapes are recognised, so that settings added later are covered without a list to keep:
 * a setting whose <em>name</em> says it is a password ({@code kv.server.requirepass},
 * {@code kv.proxy.backend-password}, {@code tls-key-file-pass}, Redis's {@code requirepass} and
 * {@code masterauth}) shows as {@link #MASK} when set; and any <em>value</em> holding a URL with
 * credentials ({@code redis://user:pass@host:port}) shows with the password replaced, the user
 * and address kept ({@code redis://user:******@host:port}). An unset (empty) secret stays empty,
 * so that "no password" can still be read.
 */
public final class Secrets {

    /** What a secret shows as: the Actuator's own mask. */
    public static final String MASK = "******";

    /** Names of settings that hold a password, whatever their prefix and separators. */
    private static final Pattern PASSWORD_NAME = Pattern.compile(
            "password|passwd|passphrase|secret|credential|token|requirepass|masterauth|(^|[._-])pass([._-]|$)",
            Pattern.CASE_INSENSITIVE);

    /**
     * A URL's user-info: {@code scheme://user:password@} (group 2 the user) or
     * {@code scheme://password@}, as redis-cli's {@code -u} reads a user-info without a colon.
     */
    private static final Pattern URL_USER_INFO = Pattern.compile(
            "([a-zA-Z][a-zA-Z0-9+.-]*://)(?:([^:/@\\s,;]*):)?[^/@\\s,;]+@");

    private Secrets() {
    }

    /** True if a setting of this name holds a password (e.g. {@code requirepass}, {@code kv.proxy.backend-password}). */
    public static boolean isPasswordName(String name) {
        return name != null && PASSWORD_NAME.matcher(name).find();
    }

    /** {@code text} with the password of every URL in it replaced by {@link #MASK}. */
    public static String maskUrlCredentials(String text) {
        if (text == null || text.indexOf('@') < 0) {
            return text;
        }
        Matcher matcher = URL_USER_INFO.matcher(text);
        StringBuilder shown = new StringBuilder();
        while (matcher.find()) {
            String user = matcher.group(2);
            matcher.appendReplacement(shown, Matcher.quoteReplacement(
                    matcher.group(1) + (user == null ? "" : user + ":") + MASK + "@"));
        }
        return matcher.appendTail(shown).toString();
    }

    /** The value of setting {@code name} as kv shows it: masked if the name or the value's shape says it is secret. */
    public static String shown(String name, String value) {
        if (value == null || value.isEmpty()) {
            return value;
        }
        return isPasswordName(name) ? MASK : maskUrlCredentials(value);
    }
}
