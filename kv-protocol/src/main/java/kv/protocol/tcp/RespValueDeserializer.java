package kv.protocol.tcp;

import java.io.IOException;
import java.io.InputStream;

import kv.protocol.resp.RespDecoder;
import kv.protocol.resp.RespInput;
import kv.protocol.resp.RespValue;
import org.springframework.core.serializer.Deserializer;
import org.springframework.integration.ip.tcp.serializer.SoftEndOfStreamException;

/**
 * Client side: reads replies (and RESP3 pushes) from a server. Use one instance per connection
 * factory; the buffer lives in the connection's {@link RespInput}.
 */
public final class RespValueDeserializer implements Deserializer<RespValue> {

    private final RespDecoder decoder;

    public RespValueDeserializer(RespDecoder decoder) {
        this.decoder = decoder;
    }

    public RespValueDeserializer() {
        this(new RespDecoder());
    }

    @Override
    public RespValue deserialize(InputStream inputStream) throws IOException {
        RespValue value = decoder.readValue(RespInput.of(inputStream));
        if (value == null) {
            throw new SoftEndOfStreamException("connection closed by the server");
        }
        return value;
    }
}
