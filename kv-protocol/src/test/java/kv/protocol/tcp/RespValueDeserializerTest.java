package kv.protocol.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import kv.protocol.resp.Replies;
import org.junit.jupiter.api.Test;

class RespValueDeserializerTest {

    @Test
    void repliesThatArriveTogetherAreAllReadFromAPlainStream() throws IOException {
        // Regression: a buffer made anew per call dropped the second reply, already read with the first.
        ByteArrayInputStream stream = new ByteArrayInputStream("+OK\r\n:7\r\n".getBytes(StandardCharsets.US_ASCII));
        RespValueDeserializer deserializer = new RespValueDeserializer();
        assertThat(deserializer.deserialize(stream)).isEqualTo(Replies.OK);
        assertThat(deserializer.deserialize(stream)).isEqualTo(Replies.integer(7));
        assertThatThrownBy(() -> deserializer.deserialize(stream)).isInstanceOf(java.io.EOFException.class)
                .as("a hard end of stream, so a request in flight fails at once");
    }
}
