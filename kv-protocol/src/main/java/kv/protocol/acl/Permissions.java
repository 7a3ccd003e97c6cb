package kv.protocol.acl;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

import kv.protocol.Glob;
import kv.protocol.command.CommandFlag;
import kv.protocol.command.CommandSpec;
import kv.protocol.command.KeySpec;
import kv.protocol.resp.Request;

/**
 * Whether a user may run a request, checked as Redis 7.0's {@code ACLCheckAllUserCommandPerm}
 * does: the request may run if one of the user's selectors (the root one, then the others in
 * order) allows it whole. A selector checks, as {@code ACLSelectorCheckCmd}, the command (or
 * subcommand, or an allowed first argument), then every key with the access its key spec says
 * ({@code access} needs read; {@code insert}, {@code update}, {@code delete} need write), then the
 * channels of PUBLISH and SUBSCRIBE (matched by the selector's patterns) and of PSUBSCRIBE (the
 * same pattern text must be allowed). Commands flagged {@code no_auth} (AUTH, HELLO) are always
 * allowed. A pure function: no state, no I/O.
 *
 * <p>Design note: when every selector refuses, Redis names one refusal: a channel before a key
 * before the command, and of two keys (or channels) the one later in the request; ACL LOG and
 * ACL DRYRUN show it, so kv picks it the same way.
 */
public final class Permissions {

    private Permissions() {
    }

    /** One selector's refusal: why, and the argument's position for a key or channel. */
    private record Refusal(Denial.Reason reason, int position) {

        /** Redis's {@code ACL_DENIED_*} order, by which the refusal to report is chosen. */
        int rank() {
            return switch (reason) {
                case COMMAND -> 1;
                case KEY -> 2;
                case CHANNEL -> 4;
                case AUTH -> 3;
            };
        }

        boolean outranks(Refusal other) {
            return rank() > other.rank() || rank() == other.rank() && position > other.position;
        }
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
            CommandSpec sub = spec.subcommands().get(request.argString(1).toLowerCase(Locale.ROOT));
            if (sub != null) {
                effective = sub;
            }
        }
        String firstArg = effective == spec && request.size() >= 2 ? request.argString(1) : null;
        Refusal reported = null;
        for (Selector selector : user.allSelectors()) {
            Refusal refusal = refusal(selector, effective, firstArg, request);
            if (refusal == null) {
                return null;
            }
            if (reported == null || refusal.outranks(reported)) {
                reported = refusal;
            }
        }
        return new Denial(reported.reason(), reported.reason() == Denial.Reason.COMMAND ? effective.name()
                : request.argString(reported.position()));
    }

    private static Refusal refusal(Selector selector, CommandSpec effective, String firstArg, Request request) {
        if (!effective.is(CommandFlag.NO_AUTH) && !selector.commands().allows(effective.name(), firstArg)) {
            return new Refusal(Denial.Reason.COMMAND, 0);
        }
        if (!selector.allKeys()) {
            for (KeySpec keySpec : effective.keySpecs()) {
                boolean read = keySpec.flags().contains("access")
                        && (!keySpec.flags().contains("variable_flags") || readsWithGet(request));
                boolean write = keySpec.flags().contains("insert") || keySpec.flags().contains("update")
                        || keySpec.flags().contains("delete");
                for (int position : effective.keyPositions(request, keySpec)) {
                    if (!keyAllowed(selector.keys(), request.arg(position), read, write)) {
                        return new Refusal(Denial.Reason.KEY, position);
                    }
                }
            }
        }
        if (!selector.allChannels()) {
            int first = switch (effective.name()) {
                case "publish", "subscribe", "psubscribe" -> 1;
                default -> 0;
            };
            if (first > 0) {
                int last = effective.name().equals("publish") ? 1 : request.size() - 1;
                boolean pattern = effective.name().equals("psubscribe");
                for (int i = first; i <= last && i < request.size(); i++) {
                    if (!channelAllowed(selector, request.arg(i), pattern)) {
                        return new Refusal(Denial.Reason.CHANNEL, i);
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

    /**
     * True if one of the user's selectors allows the channel: matched by its patterns, or, for a
     * pattern (PSUBSCRIBE), one of them literally.
     */
    public static boolean channelAllowed(User user, byte[] channel, boolean isPattern) {
        for (Selector selector : user.allSelectors()) {
            if (channelAllowed(selector, channel, isPattern)) {
                return true;
            }
        }
        return false;
    }

    private static boolean channelAllowed(Selector selector, byte[] channel, boolean isPattern) {
        if (selector.allChannels()) {
            return true;
        }
        String text = new String(channel, StandardCharsets.UTF_8);
        for (String allowed : selector.channels()) {
            if (isPattern ? allowed.equals(text) : Glob.of(allowed.getBytes(StandardCharsets.UTF_8)).matches(channel)) {
                return true;
            }
        }
        return false;
    }
}
