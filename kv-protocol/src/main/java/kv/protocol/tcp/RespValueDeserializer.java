package kv.protocol.tcp;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

import kv.protocol.resp.RespDecoder;
import kv.protocol.resp.RespValue;
import org.springframework.core.serializer.Deserializer;

/**
 * Client side: reads replies (and RESP3 pushes) from a server.
 *
 * <p>The read buffer outlives each reply (see {@link StreamBuffers}), so bytes of the next reply
 * or push that arrived with this one are not lost.
 */
public final class RespValueDeserializer implements Deserializer<RespValue> {

    private final RespDecoder decoder;
    private final StreamBuffers buffers = new StreamBuffers();

    public RespValueDeserializer(RespDecoder decoder) {
        this.decoder = decoder;
    }

    public RespValueDeserializer() {
        this(new RespDecoder());
    }

    @Override
    public RespValue deserialize(InputStream inputStream) throws IOException {
        RespValue value = decoder.readValue(buffers.of(inputStream));
        if (value == null) {
            // Not a "soft" end of stream: Spring Integration tells a waiting outbound gateway
            // only about other exceptions, so a request in flight when the server goes away
            // fails at once ("connection lost") instead of waiting out its reply timeout.
            throw new EOFException("connection closed by the server");
        }
        return value;
    }
}
