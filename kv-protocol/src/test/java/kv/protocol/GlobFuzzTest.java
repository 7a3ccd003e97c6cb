package kv.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes {@link Glob} against {@link RedisStringMatch}, Redis's own recursive matcher: the same
 * answer for every pattern and key the reference can decide within its step bound (a hostile
 * pattern makes the reference exponential, never {@code Glob}, which is always run).
 *
 * <p>An input is the pattern, a NUL byte, and the key (no NUL: the whole input is the pattern,
 * matched against itself and against a key of {@code a}s, the CVE-2022-36021 shape).
 */
public class GlobFuzzTest {

    /** Recursive calls the reference may make for one answer. */
    private static final long REFERENCE_STEPS = 10_000;

    @FuzzTest
    @DictionaryEntries({"*", "?", "[", "]", "[^", "a-z", "\\", "*a"})
    public void globMatchesAsRedisDoes(byte[] input) {
        int nul = indexOf(input, (byte) 0);
        byte[] pattern = nul < 0 ? input : Arrays.copyOfRange(input, 0, nul);
        Glob glob = Glob.of(pattern);
        if (nul >= 0) {
            assertAgreesWithRedis(glob, pattern, Arrays.copyOfRange(input, nul + 1, input.length));
        }
        else {
            assertAgreesWithRedis(glob, pattern, pattern);
            assertAgreesWithRedis(glob, pattern, "a".repeat(32).getBytes(StandardCharsets.US_ASCII));
        }
        byte[] prefix = glob.literalPrefix();
        assertThat(prefix.length).isLessThanOrEqualTo(pattern.length);
    }

    private static void assertAgreesWithRedis(Glob glob, byte[] pattern, byte[] text) {
        boolean matches = glob.matches(text);
        Boolean redis = text.length == 0 ? Boolean.valueOf(pattern.length == 0 || Arrays.equals(pattern, new byte[] {'*'}))
                : RedisStringMatch.matches(pattern, text, REFERENCE_STEPS);
        if (redis != null) {
            assertThat(matches).as(() -> "pattern " + show(pattern) + ", key " + show(text)).isEqualTo(redis);
        }
        if (matches) {
            // every match starts with the literal prefix: a store may seek to it
            byte[] prefix = glob.literalPrefix();
            assertThat(Arrays.equals(text, 0, Math.min(prefix.length, text.length), prefix, 0, prefix.length))
                    .as(() -> "key " + show(text) + " starts with the prefix of " + show(pattern)).isTrue();
        }
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private static String show(byte[] bytes) {
        StringBuilder text = new StringBuilder();
        for (byte b : bytes) {
            text.append(b >= 32 && b < 127 ? String.valueOf((char) b) : String.format("\\x%02x", b));
        }
        return text.toString();
    }
}
