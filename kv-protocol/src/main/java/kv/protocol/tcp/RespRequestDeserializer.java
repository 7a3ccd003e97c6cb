package kv.protocol.tcp;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import kv.protocol.resp.RespDecoder;
import kv.protocol.resp.RespInput;
import kv.protocol.resp.RespProtocolException;
import kv.protocol.resp.Request;
import org.springframework.core.serializer.Deserializer;
import org.springframework.integration.ip.tcp.serializer.SoftEndOfStreamException;

/**
 * Server side: turns a connection's bytes into {@link Request}s (multibulk or inline). A lone
 * request is one message; requests pipelined together become one {@link RequestBatch}.
 * Malformed input becomes a {@link MalformedRequest} rather than an exception, so the server can
 * answer {@code -ERR Protocol error: ...} before it closes the connection, as Redis does.
 */
public final class RespRequestDeserializer implements Deserializer<Object> {

    /** Most requests handled as one message; bounds the replies held back from one batch. */
    static final int MAX_BATCH = 128;

    private final RespDecoder decoder;
    private final StreamBuffers buffers = new StreamBuffers();

    public RespRequestDeserializer(RespDecoder decoder) {
        this.decoder = decoder;
    }

    /** True if {@code in} already holds a whole request, so {@link #deserialize} will not wait for bytes. */
    public boolean hasRequest(RespInput in) {
        return in.hasCompleteRequest(decoder.limits());
    }

    @Override
    public Object deserialize(InputStream inputStream) throws IOException {
        RespInput in = buffers.of(inputStream);
        try {
            List<RespProtocolException> errors = new ArrayList<>(0);
            List<Request> requests = decoder.readPipeline(in, MAX_BATCH, errors);
            if (requests == null) {
                throw new SoftEndOfStreamException("connection closed by the client");
            }
            if (errors.isEmpty() && requests.size() == 1) {
                return requests.get(0);
            }
            return new RequestBatch(requests, errors.isEmpty() ? null : new MalformedRequest(errors.get(0).getMessage()));
        }
        catch (RespProtocolException e) {
            return new MalformedRequest(e.getMessage());
        }
    }
}
