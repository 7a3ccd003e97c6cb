package kv.protocol;

/**
 * Glob-style key patterns as Redis's KEYS and SCAN MATCH read them: {@code *} any run,
 * {@code ?} one byte, {@code [abc]}, {@code [^a]}, {@code [a-z]}, and {@code \} to escape.
 * Matching is on bytes, so binary keys work.
 */
public final class Glob {

    private final byte[] pattern;
    private final Token[] tokens;

    private Glob(byte[] pattern) {
        this.pattern = pattern;
        this.tokens = compile(pattern);
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

    /**
     * True if {@code text} matches. Linear in the pattern times the text at worst, whatever the
     * pattern: a hostile {@code *a*a*a*a*b} cannot make it exponential (Redis CVE-2022-36021).
     *
     * <p>Design note: the pattern is compiled once into single-byte tokens and stars; matching
     * keeps only the last star's position and, on a mismatch, resumes one byte further from it.
     * Every token but a star consumes exactly one byte, so a later star can absorb whatever an
     * earlier one could, and backtracking further than the last star never finds a match the
     * last one misses.
     */
    public boolean matches(byte[] text) {
        if (text.length == 0) {
            // Redis's matcher never matches an empty key but with an empty pattern; KEYS and
            // SCAN shortcut the single "*" to everything.
            return pattern.length == 0 || pattern.length == 1 && pattern[0] == '*';
        }
        int p = 0;
        int i = 0;
        int star = -1;
        int resume = 0;
        while (i < text.length) {
            if (p < tokens.length && tokens[p] == null) {
                star = p++;
                resume = i;
            }
            else if (p < tokens.length && tokens[p].matches(text[i])) {
                p++;
                i++;
            }
            else if (star >= 0) {
                p = star + 1;
                i = ++resume;
            }
            else {
                return false;
            }
        }
        while (p < tokens.length && tokens[p] == null) {
            p++;
        }
        return p == tokens.length;
    }

    /** One byte of the pattern: a literal, {@code ?}, or a class; a star is null. */
    private record Token(long[] bits) {

        boolean matches(byte b) {
            int x = b & 0xff;
            return (bits[x >>> 6] & 1L << x) != 0;
        }

        static Token of(boolean[] members) {
            long[] bits = new long[4];
            for (int x = 0; x < 256; x++) {
                if (members[x]) {
                    bits[x >>> 6] |= 1L << x;
                }
            }
            return new Token(bits);
        }
    }

    /** The pattern as tokens, parsed as Redis's stringmatchlen reads it (its quirks included). */
    private static Token[] compile(byte[] pattern) {
        java.util.List<Token> tokens = new java.util.ArrayList<>();
        int p = 0;
        while (p < pattern.length) {
            byte c = pattern[p];
            boolean[] members = new boolean[256];
            switch (c) {
                case '*' -> {
                    if (tokens.isEmpty() || tokens.get(tokens.size() - 1) != null) {
                        tokens.add(null);
                    }
                    p++;
                    continue;
                }
                case '?' -> java.util.Arrays.fill(members, true);
                case '[' -> p = compileClass(pattern, p + 1, members);
                case '\\' -> {
                    if (p + 1 < pattern.length) {
                        p++;
                    }
                    members[pattern[p] & 0xff] = true;
                }
                default -> members[c & 0xff] = true;
            }
            tokens.add(Token.of(members));
            p++;
        }
        return tokens.toArray(Token[]::new);
    }

    /**
     * Fills {@code members} with the class starting at {@code p} (just past its {@code [}) and
     * returns the position of its {@code ]} (or of the pattern's last byte if none closes it, as
     * Redis reads it). Ranges compare bytes as C's signed chars, as Redis does.
     */
    private static int compileClass(byte[] pattern, int p, boolean[] members) {
        boolean not = p < pattern.length && pattern[p] == '^';
        if (not) {
            p++;
        }
        while (true) {
            int remaining = pattern.length - p;
            if (remaining >= 2 && pattern[p] == '\\') {
                p++;
                members[pattern[p] & 0xff] = true;
            }
            else if (remaining > 0 && pattern[p] == ']') {
                break;
            }
            else if (remaining == 0) {
                p--;
                break;
            }
            else if (remaining >= 3 && pattern[p + 1] == '-') {
                int start = Math.min(pattern[p], pattern[p + 2]);
                int end = Math.max(pattern[p], pattern[p + 2]);
                for (int x = 0; x < 256; x++) {
                    if ((byte) x >= start && (byte) x <= end) {
                        members[x] = true;
                    }
                }
                p += 2;
            }
            else {
                members[pattern[p] & 0xff] = true;
            }
            p++;
        }
        if (not) {
            for (int x = 0; x < 256; x++) {
                members[x] = !members[x];
            }
        }
        return p;
    }
}
