package kv.protocol.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import kv.protocol.resp.Request;
import org.junit.jupiter.api.Test;

class MonitorLineTest {

    private static String line(int db, String source, Request request) {
        return new String(MonitorLine.encode(1_700_000_000_123_456L, db, source, request), StandardCharsets.ISO_8859_1);
    }

    @Test
    void aLineHasTheTimeInMicrosecondsTheDatabaseTheClientAndEachArgumentQuoted() {
        assertThat(line(0, "127.0.0.1:54321", Request.of("SET", "k", "v")))
                .isEqualTo("+1700000000.123456 [0 127.0.0.1:54321] \"SET\" \"k\" \"v\"\r\n");
    }

    @Test
    void microsecondsKeepTheirLeadingZeros() {
        assertThat(new String(MonitorLine.encode(1_700_000_000_000_042L, 3, "lua", Request.of("get", "x")),
                StandardCharsets.US_ASCII)).isEqualTo("+1700000000.000042 [3 lua] \"get\" \"x\"\r\n");
    }

    @Test
    void argumentsAreEscapedAsRedissSdscatrepr() {
        byte[] binary = {'a', ' ', '"', '\\', '\n', '\r', '\t', 7, '\b', 0x01, (byte) 0xff, '~'};
        Request request = new Request(new byte[][] {"SET".getBytes(StandardCharsets.US_ASCII), binary});
        assertThat(line(0, "c", request)).isEqualTo("+1700000000.123456 [0 c] \"SET\" \"a \\\"\\\\\\n\\r\\t\\a\\b\\x01\\xff~\"\r\n");
    }

    @Test
    void authArgumentsAreRedacted() {
        assertThat(line(0, "c", Request.of("auth", "secret"))).endsWith("\"auth\" \"(redacted)\"\r\n");
        assertThat(line(0, "c", Request.of("AUTH", "alice", "secret")))
                .endsWith("\"AUTH\" \"(redacted)\" \"(redacted)\"\r\n");
    }

    @Test
    void helloAuthRedactsTheUserAndPasswordOnly() {
        assertThat(line(0, "c", Request.of("hello", "3", "auth", "default", "x", "setname", "n")))
                .endsWith("\"hello\" \"3\" \"auth\" \"(redacted)\" \"(redacted)\" \"setname\" \"n\"\r\n");
        assertThat(line(0, "c", Request.of("hello", "3"))).endsWith("\"hello\" \"3\"\r\n");
    }
}
