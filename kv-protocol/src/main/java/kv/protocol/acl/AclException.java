package kv.protocol.acl;

/**
 * A rule, user name or ACL file line that cannot be applied. The message is Redis's own reason
 * ({@code Syntax error}, {@code Unknown command or category name in ACL}, ...); the callers wrap
 * it as Redis does ({@code ERR Error in ACL SETUSER modifier '<rule>': <reason>}).
 */
public final class AclException extends RuntimeException {

    /** What failed, where the callers word it differently (Redis's errno). */
    public enum Kind {
        /** A rule Redis refuses with {@code EINVAL}, {@code EEXIST}, ...: the callers name the rule. */
        RULE,
        /** {@code +nosuch}, {@code +@nosuch} (Redis's {@code ENOENT}): an ACL file names the rule even then. */
        UNKNOWN_COMMAND,
        /** A selector's {@code (} without its {@code )}; {@link #rule()} is the word that opened it. */
        UNMATCHED_PARENTHESIS
    }

    private final String rule;
    private final Kind kind;

    public AclException(String rule, String reason) {
        this(rule, reason, Kind.RULE);
    }

    private AclException(String rule, String reason, Kind kind) {
        super(reason);
        this.rule = rule;
        this.kind = kind;
    }

    /** The rule that failed, or null where the failure is not one rule's (a user name, a file line). */
    public String rule() {
        return rule;
    }

    public Kind kind() {
        return kind;
    }

    /** The same failure, named as the selector {@code selector} that the failing rule was in. */
    AclException forRule(String selector) {
        return new AclException(selector, getMessage(), kind);
    }

    static AclException syntax(String rule) {
        return new AclException(rule, "Syntax error");
    }

    static AclException unknownCommand(String rule) {
        return new AclException(rule, "Unknown command or category name in ACL", Kind.UNKNOWN_COMMAND);
    }

    static AclException unmatchedParenthesis(String opening) {
        return new AclException(opening, "Unmatched parenthesis in acl selector starting at '" + opening + "'.",
                Kind.UNMATCHED_PARENTHESIS);
    }
}
