package kv.protocol.resp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes {@link InlineSplitter}, Redis's {@code sdssplitargs} for inline commands: any line is
 * split into words or refused with {@link RespProtocolException}; words quoted back with
 * {@code "\xHH"} escapes split into the same words; and a line without quotes splits exactly
 * where its spaces are.
 */
class InlineSplitterFuzzTest {

    @FuzzTest
    @DictionaryEntries({"\"", "'", "\\x", "\\n", "\\'", " ", "\t", "PUT Fname = Sayali"})
    void inlineLinesSplitAsRedisSplitsThem(byte[] line) throws RespProtocolException {
        List<byte[]> words;
        try {
            words = InlineSplitter.split(line, 0, line.length);
        }
        catch (RespProtocolException e) {
            assertThat(e.getMessage()).isEqualTo("unbalanced quotes in request");
            assertThat(hasQuote(line)).as("only a quote can be unbalanced").isTrue();
            return;
        }
        byte[] quoted = quote(words);
        assertThat(InlineSplitter.split(quoted, 0, quoted.length)).as("the words quoted back")
                .usingElementComparator(java.util.Arrays::compare).containsExactlyElementsOf(words);
        if (!hasQuote(line)) {
            assertThat(words).usingElementComparator(java.util.Arrays::compare).containsExactlyElementsOf(spaceSplit(line));
        }
    }

    private static boolean hasQuote(byte[] line) {
        for (byte b : line) {
            if (b == '"' || b == '\'') {
                return true;
            }
        }
        return false;
    }

    /** The words as a client would quote them: each byte escaped in double quotes. */
    private static byte[] quote(List<byte[]> words) {
        StringBuilder line = new StringBuilder();
        for (byte[] word : words) {
            line.append(line.length() == 0 ? "\"" : " \"");
            for (byte b : word) {
                line.append(String.format("\\x%02x", b & 0xff));
            }
            line.append('"');
        }
        return line.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    /** The reference for a line without quotes: runs of non-space bytes (isspace in C's locale). */
    private static List<byte[]> spaceSplit(byte[] line) {
        List<byte[]> words = new ArrayList<>();
        int start = -1;
        for (int i = 0; i <= line.length; i++) {
            boolean space = i == line.length || " \t\r\n\u000b\f".indexOf(line[i]) >= 0;
            if (space && start >= 0) {
                words.add(java.util.Arrays.copyOfRange(line, start, i));
                start = -1;
            }
            else if (!space && start < 0) {
                start = i;
            }
        }
        return words;
    }
}
