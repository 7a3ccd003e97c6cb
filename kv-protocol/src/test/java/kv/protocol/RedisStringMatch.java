package kv.protocol;

/**
 * Redis 7.0's util.c {@code stringmatchlen} (case-sensitive), transcribed as the reference model
 * for {@link Glob}: the recursive backtracking matcher, exponential in the stars, so every use
 * gives it a bound on the calls it may make.
 */
final class RedisStringMatch {

    /** The bound was reached: the pattern is too hostile for the reference to answer. */
    static final class TooManySteps extends RuntimeException {
        TooManySteps() {
            super(null, null, false, false);
        }
    }

    private final long maxSteps;
    private long steps;

    private RedisStringMatch(long maxSteps) {
        this.maxSteps = maxSteps;
    }

    /**
     * Whether Redis matches {@code text} against {@code pattern}, or null if finding out takes
     * more than {@code maxSteps} recursive calls.
     */
    static Boolean matches(byte[] pattern, byte[] text, long maxSteps) {
        try {
            return new RedisStringMatch(maxSteps).matches(pattern, 0, text, 0);
        }
        catch (TooManySteps e) {
            return null;
        }
    }

    /** For patterns known to be small. */
    static boolean unbounded(byte[] pattern, byte[] text) {
        return new RedisStringMatch(Long.MAX_VALUE).matches(pattern, 0, text, 0);
    }

    private boolean matches(byte[] pattern, int p, byte[] string, int s) {
        if (++steps > maxSteps) {
            throw new TooManySteps();
        }
        while (p < pattern.length && s < string.length) {
            switch (pattern[p]) {
                case '*':
                    while (p + 1 < pattern.length && pattern[p + 1] == '*') {
                        p++;
                    }
                    if (p + 1 == pattern.length) {
                        return true;
                    }
                    while (s < string.length) {
                        if (matches(pattern, p + 1, string, s)) {
                            return true;
                        }
                        s++;
                    }
                    return false;
                case '?':
                    s++;
                    break;
                case '[': {
                    p++;
                    boolean not = p < pattern.length && pattern[p] == '^';
                    if (not) {
                        p++;
                    }
                    boolean match = false;
                    while (true) {
                        int left = pattern.length - p;
                        if (left >= 2 && pattern[p] == '\\') {
                            p++;
                            match |= pattern[p] == string[s];
                        }
                        else if (left > 0 && pattern[p] == ']') {
                            break;
                        }
                        else if (left == 0) {
                            p--;
                            break;
                        }
                        else if (left >= 3 && pattern[p + 1] == '-') {
                            int start = Math.min(pattern[p], pattern[p + 2]);
                            int end = Math.max(pattern[p], pattern[p + 2]);
                            match |= string[s] >= start && string[s] <= end;
                            p += 2;
                        }
                        else {
                            match |= pattern[p] == string[s];
                        }
                        p++;
                    }
                    if (not == match) {
                        return false;
                    }
                    s++;
                    break;
                }
                case '\\':
                    if (pattern.length - p >= 2) {
                        p++;
                    }
                    // fall through
                default:
                    if (pattern[p] != string[s]) {
                        return false;
                    }
                    s++;
                    break;
            }
            p++;
            if (s == string.length) {
                while (p < pattern.length && pattern[p] == '*') {
                    p++;
                }
                break;
            }
        }
        return p == pattern.length && s == string.length;
    }
}
