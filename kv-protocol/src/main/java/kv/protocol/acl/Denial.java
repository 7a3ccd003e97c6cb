package kv.protocol.acl;

/**
 * Why a user may not run a request: the command, one of its keys or one of its channels, and
 * which ({@code object}: the command's full name, the key or the channel), as ACL LOG records it.
 */
public record Denial(Reason reason, String object) {

    /** ACL LOG's {@code reason}. */
    public enum Reason {
        COMMAND, KEY, CHANNEL, AUTH;

        public String logName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** The error reply's text, as Redis 7.0 words it (without the leading {@code -}). */
    public String error() {
        return switch (reason) {
            case COMMAND -> "NOPERM this user has no permissions to run the '" + object + "' command";
            case KEY -> "NOPERM this user has no permissions to access one of the keys used as arguments";
            case CHANNEL -> "NOPERM this user has no permissions to access one of the channels used as arguments";
            case AUTH -> "WRONGPASS invalid username-password pair or user is disabled.";
        };
    }

    /** ACL DRYRUN's answer. */
    public String dryRun() {
        return switch (reason) {
            case COMMAND -> "This user has no permissions to run the '" + object + "' command";
            case KEY -> "This user has no permissions to access the '" + object + "' key";
            case CHANNEL -> "This user has no permissions to access the '" + object + "' channel";
            case AUTH -> error();
        };
    }
}
