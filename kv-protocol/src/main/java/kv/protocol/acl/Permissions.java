package kv.protocol.acl;

import java.nio.charset.StandardCharsets;
import java.util.List;

import kv.protocol.command.CommandFlag;
import kv.protocol.command.CommandSpec;
import kv.protocol.command.KeySpec;
import kv.protocol.resp.Request;

/**
 * Whether a user may run a request, checked as Redis's {@code ACLSelectorCheckCmd} does: the
 * command (or subcommand, or an allowed first argument), then every key with the access its key
 * spec says ({@code access} needs read; {@code insert}, {@code update}, {@code delete} need write),
 * then the channels of PUBLISH and SUBSCRIBE (matched by the user's patterns) and of PSUBSCRIBE
 * (the same pattern text must be allowed). Commands flagged {@code no_auth} (AUTH, HELLO) are
 * always allowed. A pure function: no state, no I/O.
 */
public final class Permissions {

    private Permissions() {
    }

    /**
     * Why {@code user} may not run {@code request}, or null if it may.
     *
     * @param spec the command's spec (a container's, for a subcommand)
     */
    public static Denial check(User user, CommandSpec spec, Request request) {
        if (user.unrestricted()) {
            return null;
        }
        CommandSpec effective = spec;
        if (!spec.subcommands().isEmpty() && request.size() >= 2) {
            CommandSpec sub = spec.subcommands().get(request.argString(1).toLowerCase(java.util.Locale.ROOT));
            if (sub != null) {
                effective = sub;
            }
        }
        if (!effective.is(CommandFlag.NO_AUTH) && !user.commands().allows(effective.name(),
                effective == spec && request.size() >= 2 ? request.argString(1) : null)) {
            return new Denial(Denial.Reason.COMMAND, effective.name());
        }
        if (!user.allKeys()) {
            for (KeySpec keySpec : effective.keySpecs()) {
                boolean read = keySpec.flags().contains("access")
                        && (!keySpec.flags().contains("variable_flags") || readsWithGet(request));
                boolean write = keySpec.flags().contains("insert") || keySpec.flags().contains("update")
                        || keySpec.flags().contains("delete");
                for (byte[] key : effective.keys(request, keySpec)) {
                    if (!keyAllowed(user.keys(), key, read, write)) {
                        return new Denial(Denial.Reason.KEY, new String(key, StandardCharsets.UTF_8));
                    }
                }
            }
        }
        if (!user.allChannels()) {
            int first = switch (effective.name()) {
                case "publish", "subscribe", "psubscribe" -> 1;
                default -> 0;
            };
            if (first > 0) {
                int last = effective.name().equals("publish") ? 1 : request.size() - 1;
                boolean pattern = effective.name().equals("psubscribe");
                for (int i = first; i <= last && i < request.size(); i++) {
                    if (!channelAllowed(user, request.arg(i), pattern)) {
                        return new Denial(Denial.Reason.CHANNEL, request.argString(i));
                    }
                }
            }
        }
        return null;
    }

    /**
     * A key spec with {@code variable_flags} (SET's) reads the key only with the GET option: Redis
     * asks the command's own key function ({@code setGetKeys}), kv looks for the option here.
     */
    private static boolean readsWithGet(Request request) {
        for (int i = 3; i < request.size(); i++) {
            if (request.argIs(i, "get")) {
                return true;
            }
        }
        return false;
    }

    private static boolean keyAllowed(List<KeyPattern> patterns, byte[] key, boolean read, boolean write) {
        for (KeyPattern pattern : patterns) {
            if (pattern.allows(key, read, write)) {
                return true;
            }
        }
        return false;
    }

    /** A channel is matched by the user's patterns; a pattern (PSUBSCRIBE) must be one of them, literally. */
    public static boolean channelAllowed(User user, byte[] channel, boolean isPattern) {
        if (user.allChannels()) {
            return true;
        }
        String text = new String(channel, StandardCharsets.UTF_8);
        for (String allowed : user.channels()) {
            if (isPattern ? allowed.equals(text)
                    : kv.protocol.Glob.of(allowed.getBytes(StandardCharsets.UTF_8)).matches(channel)) {
                return true;
            }
        }
        return false;
    }
}
