package kv.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GlobTest {

    @ParameterizedTest(name = "{0} ~ {1} is {2}")
    @CsvSource({
        "*, anything, true",
        "user:*, user:42, true",
        "user:*, users:42, false",
        "h?llo, hello, true",
        "h?llo, hllo, false",
        "h[ae]llo, hallo, true",
        "h[ae]llo, hillo, false",
        "h[^e]llo, hallo, true",
        "h[^e]llo, hello, false",
        "h[a-c]llo, hbllo, true",
        "h[a-c]llo, hdllo, false",
        "a\\*b, a*b, true",
        "a\\*b, axb, false",
        "*:*:end, a:b:end, true",
        "Fname, Fname, true",
    })
    void matchesLikeRedis(String pattern, String text, boolean expected) {
        assertThat(Glob.of(bytes(pattern)).matches(bytes(text))).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"user:*, user:", "h?llo, h", "*, ''", "abc, abc", "a\\*b, a*b"})
    void literalPrefixLetsAStoreSeek(String pattern, String prefix) {
        assertThat(new String(Glob.of(bytes(pattern)).literalPrefix(), StandardCharsets.UTF_8)).isEqualTo(prefix);
    }

    @ParameterizedTest(name = "{0} ~ {1} is {2}")
    @CsvSource({
        "h[a-]llo, h], true",          // Redis reads a-] as a range from ']' to 'a', and the class as unclosed
        "h[a-]llo, h]llo, false",
        "*, '', true",                 // the match-all pattern, as KEYS and SCAN shortcut it
        "**, '', false",               // Redis's matcher itself never matches an empty key
        "a*, a, true",
        "[abc, b, true",               // an unclosed class runs to the end of the pattern
        "[, x, false",
        "a\\, a\\, true",          // a trailing backslash is a literal backslash
        "[^], x, true",
        "[], x, false",
        "*a*a, aaa, true",
        "*a*a*b, aaaa, false",
    })
    void readsOddPatternsAsRedisDoes(String pattern, String text, boolean expected) {
        assertThat(Glob.of(bytes(pattern)).matches(bytes(text))).isEqualTo(expected);
    }

    /** Redis CVE-2022-36021: a backtracking matcher takes time exponential in the stars. */
    @Test
    void aHostilePatternIsMatchedInLinearTime() {
        byte[] key = "a".repeat(10_000).getBytes(StandardCharsets.US_ASCII);
        Glob hostile = Glob.of(("*a".repeat(40) + "*b").getBytes(StandardCharsets.US_ASCII));
        // A liveness bound, not a timing figure: the old matcher did not finish 12 stars over 32 bytes in 20 s.
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThat(hostile.matches(key)).isFalse());
    }

    /** The compiled matcher against a direct transcription of Redis's recursive stringmatchlen. */
    @Test
    void agreesWithRedisRecursiveMatcherOnRandomPatterns() {
        Random random = new Random(20261201);
        byte[] alphabet = "ab*?[]^-\\".getBytes(StandardCharsets.US_ASCII);
        for (int n = 0; n < 200_000; n++) {
            byte[] pattern = randomBytes(random, alphabet, random.nextInt(8));
            byte[] text = randomBytes(random, "ab]-^".getBytes(StandardCharsets.US_ASCII), random.nextInt(6));
            assertThat(Glob.of(pattern).matches(text))
                    .as("pattern %s, text %s", new String(pattern, StandardCharsets.US_ASCII),
                            new String(text, StandardCharsets.US_ASCII))
                    .isEqualTo(pattern.length == 1 && pattern[0] == '*' || RedisStringMatch.unbounded(pattern, text));
        }
    }

    private static byte[] randomBytes(Random random, byte[] alphabet, int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = alphabet[random.nextInt(alphabet.length)];
        }
        return bytes;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
