package kv.client.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** The export line format, without sockets: what it writes, that every byte reads back, and what it refuses. */
class ExportFormatTest {

    private static String line(KeyRecord record) throws Exception {
        StringWriter out = new StringWriter();
        ExportFormat.write(record, out);
        return out.toString();
    }

    private static byte[] b(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void printableWordsAreBareAndOthersQuotedWithRedisCliEscapes() throws Exception {
        assertThat(line(new KeyRecord(0, KeyRecord.Type.STRING, b("Fname"), KeyRecord.NO_EXPIRY, List.of(b("Sayali")))))
                .isEqualTo("0 string - Fname Sayali\n");
        assertThat(line(new KeyRecord(3, KeyRecord.Type.STRING, b("a b"), 1767225600000L, List.of(b("\"q\\\n\0\u00ff")))))
                .isEqualTo("3 string 1767225600000 \"a b\" \"\\\"q\\\\\\n\\x00\\xff\"\n");
        assertThat(line(new KeyRecord(1, KeyRecord.Type.HASH, b("h"), KeyRecord.NO_EXPIRY, List.of(b(""), b("it's")))))
                .isEqualTo("1 hash - h \"\" \"it's\"\n");
    }

    @Test
    void everyByteValueReadsBackAsWritten() throws Exception {
        Random random = new Random(5);
        for (int round = 0; round < 512; round++) {
            byte[] key = new byte[random.nextInt(20)];
            byte[] value = new byte[random.nextInt(300)];
            random.nextBytes(key);
            random.nextBytes(value);
            if (round < 256) {
                value = new byte[] {(byte) round, (byte) (255 - round)};
            }
            KeyRecord record = new KeyRecord(round % 16, KeyRecord.Type.STRING, key, round % 2 == 0 ? KeyRecord.NO_EXPIRY
                    : 1_000_000_000_000L + round, List.of(value));
            String text = line(record);
            assertThat(text.chars().allMatch(c -> c == '\n' || (c >= ' ' && c < 0x7f))).as(text).isTrue();
            KeyRecord back = ExportFormat.parse(text.substring(0, text.length() - 1));
            assertThat(back.key()).isEqualTo(key);
            assertThat(back.contents().get(0)).isEqualTo(value);
            assertThat(back.expireAt()).isEqualTo(record.expireAt());
            assertThat(back.db()).isEqualTo(record.db());
        }
    }

    @Test
    void commentsAndEmptyLinesAreSkipped() throws Exception {
        assertThat(ExportFormat.parse("# kv-export 1")).isNull();
        assertThat(ExportFormat.parse("")).isNull();
    }

    @Test
    void aBadLineIsRefusedSayingWhatIsWrong() {
        assertThatThrownBy(() -> ExportFormat.parse("0 string - k")).hasMessageContaining("found 4 words");
        assertThatThrownBy(() -> ExportFormat.parse("x string - k v")).hasMessageContaining("'x' is not a number");
        assertThatThrownBy(() -> ExportFormat.parse("0 list - k v")).hasMessageContaining("neither string nor hash");
        assertThatThrownBy(() -> ExportFormat.parse("0 string soon k v")).hasMessageContaining("'soon'");
        assertThatThrownBy(() -> ExportFormat.parse("0 string 0 k v")).hasMessageContaining("positive");
        assertThatThrownBy(() -> ExportFormat.parse("0 string - k v w")).hasMessageContaining("one value");
        assertThatThrownBy(() -> ExportFormat.parse("0 hash - h f")).hasMessageContaining("each need a value");
        assertThatThrownBy(() -> ExportFormat.parse("0 string - k \"open")).hasMessageContaining("not closed");
        assertThatThrownBy(() -> ExportFormat.parse("0 string - k \"\\x4\"")).hasMessageContaining("two hex digits");
        assertThatThrownBy(() -> ExportFormat.parse("0 string - k \"\\q\"")).hasMessageContaining("unknown escape");
        assertThatThrownBy(() -> ExportFormat.parse("0 string - k \"a\"b")).hasMessageContaining("followed by a space");
        assertThatThrownBy(() -> ExportFormat.parse("0 string - k a\"b")).hasMessageContaining("inside a bare word");
    }
}
