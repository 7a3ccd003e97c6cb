package kv.protocol.acl;

/**
 * A rule, user name or ACL file line that cannot be applied. The message is Redis's own reason
 * ({@code Syntax error}, {@code Unknown command or category name in ACL}, ...); the callers wrap
 * it as Redis does ({@code ERR Error in ACL SETUSER modifier '<rule>': <reason>}).
 */
public final class AclException extends RuntimeException {

    private final String rule;

    public AclException(String rule, String reason) {
        super(reason);
        this.rule = rule;
    }

    /** The rule that failed, or null where the failure is not one rule's (a user name, a file line). */
    public String rule() {
        return rule;
    }

    static AclException syntax(String rule) {
        return new AclException(rule, "Syntax error");
    }

    static AclException unknownCommand(String rule) {
        return new AclException(rule, "Unknown command or category name in ACL");
    }
}
