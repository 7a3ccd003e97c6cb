package kv.protocol.tcp;

import java.io.IOException;
import java.io.InputStream;

import kv.protocol.resp.RespDecoder;
import kv.protocol.resp.RespInput;
import kv.protocol.resp.RespProtocolException;
import org.springframework.core.serializer.Deserializer;
import org.springframework.integration.ip.tcp.serializer.SoftEndOfStreamException;

/**
 * Server side: turns a connection's bytes into {@link kv.protocol.resp.Request}s (multibulk or
 * inline). Malformed input becomes a {@link MalformedRequest} message rather than an exception,
 * so the server can answer {@code -ERR Protocol error: ...} before it closes the connection,
 * as Redis does.
 */
public final class RespRequestDeserializer implements Deserializer<Object> {

    private final RespDecoder decoder;
    private final StreamBuffers buffers = new StreamBuffers();

    public RespRequestDeserializer(RespDecoder decoder) {
        this.decoder = decoder;
    }

    @Override
    public Object deserialize(InputStream inputStream) throws IOException {
        RespInput in = buffers.of(inputStream);
        try {
            Object request = decoder.readRequest(in);
            if (request == null) {
                throw new SoftEndOfStreamException("connection closed by the client");
            }
            return request;
        }
        catch (RespProtocolException e) {
            return new MalformedRequest(e.getMessage());
        }
    }
}
