package kv.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import kv.client.connection.Answer;
import kv.client.connection.Source;
import kv.protocol.resp.RespValue;
import kv.protocol.tcp.RespValueDeserializer;
import org.junit.jupiter.api.Test;

/** How the shell reads a kv-proxy's {@code source} attribute off the wire, without sockets. */
class AnswerSourceTest {

    private static Answer decode(String wire) throws Exception {
        RespValue reply = new RespValueDeserializer().deserialize(
                new ByteArrayInputStream(wire.getBytes(StandardCharsets.US_ASCII)));
        return Answer.of(reply, Duration.ofMillis(1));
    }

    @Test
    void aCacheHitMarkedByTheProxyIsShownAsFromTheProxysCache() throws Exception {
        Answer answer = decode("|1\r\n$6\r\nsource\r\n$5\r\ncache\r\n$6\r\nSayali\r\n");
        assertThat(answer.source()).isEqualTo(Source.PROXY_CACHE);
        assertThat(answer.value()).isEqualTo(RespValue.BulkString.of("Sayali"));
    }

    @Test
    void aBackendAnswerMarkedByTheProxyIsShownAsFromTheServerThroughTheProxy() throws Exception {
        Answer answer = decode("|1\r\n+source\r\n+backend\r\n_\r\n");
        assertThat(answer.source()).isEqualTo(Source.PROXY_BACKEND);
        assertThat(answer.value()).isInstanceOf(RespValue.Null.class);
    }

    @Test
    void anAnswerWithoutAttributesCameFromTheServer() throws Exception {
        assertThat(decode("$6\r\nSayali\r\n").source()).isEqualTo(Source.SERVER);
        assertThat(decode("$-1\r\n").value()).isInstanceOf(RespValue.Null.class);
    }

    @Test
    void otherAttributesAreIgnored() throws Exception {
        Answer answer = decode("|1\r\n+ttl\r\n:3\r\n+OK\r\n");
        assertThat(answer.source()).isEqualTo(Source.SERVER);
        assertThat(answer.value()).isEqualTo(new RespValue.SimpleString("OK"));
    }
}
