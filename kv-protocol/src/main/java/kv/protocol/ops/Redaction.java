package kv.protocol.ops;

import java.nio.charset.StandardCharsets;

import kv.protocol.resp.Request;

/**
 * Which arguments MONITOR and SLOWLOG must not show, as Redis 7.0's
 * {@code redactClientCommandArgument} decides: every argument of AUTH after its name, and the
 * username and password after HELLO's {@code AUTH} token. Each is shown as {@code (redacted)}.
 */
public final class Redaction {

    /** What a redacted argument reads as. */
    public static final byte[] REDACTED = "(redacted)".getBytes(StandardCharsets.US_ASCII);

    private Redaction() {
    }

    /** True if argument {@code index} of {@code request} is a secret. */
    public static boolean redacted(Request request, int index) {
        if (index == 0) {
            return false;
        }
        if (request.argIs(0, "auth")) {
            return true;
        }
        if (request.argIs(0, "hello")) {
            for (int i = 2; i < request.size() && i < index; i++) {
                if (request.argIs(i, "auth")) {
                    return index == i + 1 || index == i + 2;
                }
            }
        }
        return false;
    }

    /** Argument {@code index} as it may be shown. */
    public static byte[] shown(Request request, int index) {
        return redacted(request, index) ? REDACTED : request.arg(index);
    }
}
