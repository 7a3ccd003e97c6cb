package kv.client.connection;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * redis-cli's connection flags, turned into the client's settings before Spring Boot reads the
 * command line: {@code --tls}, {@code --cacert FILE}, {@code --cert FILE}, {@code --key FILE},
 * {@code --user USER}, {@code --askpass}. A password is never taken from the command line (other
 * users of the machine can read it there, in {@code ps}): {@code -a} and {@code --pass} are
 * refused; it comes from {@code KV_PASSWORD} or a prompt ({@link Password}).
 */
public final class ClientFlags {

    /** Flags followed by a value, and the setting each sets. */
    private static final Map<String, String> WITH_VALUE = Map.of(
            "--cacert", "kv.client.cacert",
            "--cert", "kv.client.cert",
            "--key", "kv.client.key",
            "--user", "kv.client.user");

    /** Flags that stand alone. */
    private static final Map<String, String> SWITCHES = Map.of(
            "--tls", "kv.client.tls",
            "--askpass", "kv.client.askpass");

    private ClientFlags() {
    }

    /**
     * The arguments with redis-cli's flags replaced by settings ({@code --kv.client.tls=true}).
     *
     * @throws IllegalArgumentException for a password on the command line, or a flag without its value
     */
    public static String[] translate(String[] args) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("-a") || arg.equals("--pass") || arg.startsWith("--pass=")
                    || arg.startsWith("--kv.client.password")) {
                throw new IllegalArgumentException("a password is not taken from the command line (others can read it "
                        + "there): set KV_PASSWORD, or give --user or --askpass to be asked for it");
            }
            if (SWITCHES.containsKey(arg)) {
                out.add("--" + SWITCHES.get(arg) + "=true");
            }
            else if (WITH_VALUE.containsKey(arg)) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(arg + " needs a value");
                }
                out.add("--" + WITH_VALUE.get(arg) + "=" + args[++i]);
            }
            else {
                out.add(arg);
            }
        }
        return out.toArray(String[]::new);
    }
}
