package kv.protocol;

/**
 * Glob-style key patterns as Redis's KEYS and SCAN MATCH read them: {@code *} any run,
 * {@code ?} one byte, {@code [abc]}, {@code [^a]}, {@code [a-z]}, and {@code \} to escape.
 * Matching is on bytes, so binary keys work.
 */
public final class Glob {

    private final byte[] pattern;

    private Glob(byte[] pattern) {
        this.pattern = pattern;
    }

    public static Glob of(byte[] pattern) {
        return new Glob(pattern.clone());
    }

    /** The bytes every match starts with: lets a sorted store seek instead of scanning everything. */
    public byte[] literalPrefix() {
        java.io.ByteArrayOutputStream prefix = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < pattern.length; i++) {
            byte c = pattern[i];
            if (c == '*' || c == '?' || c == '[') {
                break;
            }
            if (c == '\\' && i + 1 < pattern.length) {
                c = pattern[++i];
            }
            prefix.write(c);
        }
        return prefix.toByteArray();
    }

    public boolean matches(byte[] text) {
        return match(0, text, 0);
    }

    private boolean match(int p, byte[] s, int i) {
        while (p < pattern.length) {
            byte c = pattern[p];
            switch (c) {
                case '*': {
                    while (p + 1 < pattern.length && pattern[p + 1] == '*') {
                        p++;
                    }
                    if (p + 1 == pattern.length) {
                        return true;
                    }
                    for (int k = i; k <= s.length; k++) {
                        if (match(p + 1, s, k)) {
                            return true;
                        }
                    }
                    return false;
                }
                case '?':
                    if (i >= s.length) {
                        return false;
                    }
                    i++;
                    p++;
                    break;
                case '[': {
                    if (i >= s.length) {
                        return false;
                    }
                    p++;
                    boolean not = p < pattern.length && pattern[p] == '^';
                    if (not) {
                        p++;
                    }
                    boolean found = false;
                    while (p < pattern.length && pattern[p] != ']') {
                        if (pattern[p] == '\\' && p + 1 < pattern.length) {
                            p++;
                            found |= pattern[p] == s[i];
                        }
                        else if (p + 2 < pattern.length && pattern[p + 1] == '-' && pattern[p + 2] != ']') {
                            int lo = pattern[p] & 0xff;
                            int hi = pattern[p + 2] & 0xff;
                            int x = s[i] & 0xff;
                            found |= lo <= hi ? x >= lo && x <= hi : x >= hi && x <= lo;
                            p += 2;
                        }
                        else {
                            found |= pattern[p] == s[i];
                        }
                        p++;
                    }
                    p++; // past ']'
                    if (found == not) {
                        return false;
                    }
                    i++;
                    break;
                }
                case '\\':
                    if (p + 1 < pattern.length) {
                        p++;
                        c = pattern[p];
                    }
                    // fall through: compare the escaped byte literally
                default:
                    if (i >= s.length || s[i] != c) {
                        return false;
                    }
                    i++;
                    p++;
            }
        }
        return i == s.length;
    }
}
