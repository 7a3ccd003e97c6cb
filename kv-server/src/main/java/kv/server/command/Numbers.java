package kv.server.command;

/** Numbers as Redis reads them from arguments and values ({@code string2ll}). */
final class Numbers {

    static final String NOT_AN_INTEGER = "ERR value is not an integer or out of range";
    static final String NOT_A_FLOAT = "ERR value is not a valid float";

    private Numbers() {
    }

    /**
     * The 64-bit integer {@code bytes} spell exactly, or null: an optional minus, then digits
     * without leading zeros, no sign on zero, no spaces, in range (what Redis's string2ll accepts).
     */
    static Long parseLong(byte[] bytes) {
        int length = bytes.length;
        if (length == 0 || length > 20) {
            return null;
        }
        if (length == 1 && bytes[0] == '0') {
            return 0L;
        }
        int i = 0;
        boolean negative = bytes[0] == '-';
        if (negative) {
            i++;
        }
        if (i >= length || bytes[i] < '1' || bytes[i] > '9') {
            return null;
        }
        long value = 0; // accumulated negative: Long.MIN_VALUE has no positive twin
        for (; i < length; i++) {
            byte c = bytes[i];
            if (c < '0' || c > '9') {
                return null;
            }
            int digit = c - '0';
            if (value < (Long.MIN_VALUE + digit) / 10) {
                return null;
            }
            value = value * 10 - digit;
        }
        if (!negative) {
            if (value == Long.MIN_VALUE) {
                return null;
            }
            value = -value;
        }
        return value;
    }
}
