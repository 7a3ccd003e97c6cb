package kv.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

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

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
