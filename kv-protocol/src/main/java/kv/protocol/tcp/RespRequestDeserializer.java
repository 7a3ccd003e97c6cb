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

    /**
     * The next message from the bytes buffered in {@code in}, for an event loop: never waits.
     *
     * @return a request, a batch or a malformed request; null if no whole request has arrived yet
     */
    public Object next(RespInput in) {
        Request first;
        try {
            first = decoder.decodeRequest(in);
        }
        catch (RespProtocolException e) {
            return new MalformedRequest(e.getMessage());
        }
        return first == null ? null : batch(in, first);
    }

    /** Waits for the next request on {@code inputStream}, then takes the ones already buffered with it. */
    @Override
    public Object deserialize(InputStream inputStream) throws IOException {
        RespInput in = buffers.of(inputStream);
        Request first;
        try {
            first = decoder.readRequest(in);
        }
        catch (RespProtocolException e) {
            return new MalformedRequest(e.getMessage());
        }
        if (first == null) {
            throw new SoftEndOfStreamException("connection closed by the client");
        }
        return batch(in, first);
    }

    /**
     * {@code first} and every further request whole in the buffer, up to {@link #MAX_BATCH}: the
     * batch a pipelining client sent together. A malformed request ends the batch; the requests
     * before it are kept.
     */
    private Object batch(RespInput in, Request first) {
        if (in.buffered() == 0) {
            return first;
        }
        List<Request> requests = null;
        MalformedRequest malformed = null;
        for (int size = 1; size < MAX_BATCH; size++) {
            Request next;
            try {
                next = decoder.decodeRequest(in);
            }
            catch (RespProtocolException e) {
                malformed = new MalformedRequest(e.getMessage());
                break;
            }
            if (next == null) {
                break;
            }
            if (requests == null) {
                requests = new ArrayList<>(16);
                requests.add(first);
            }
            requests.add(next);
        }
        if (requests == null && malformed == null) {
            return first;
        }
        return new RequestBatch(requests == null ? List.of(first) : requests, malformed);
    }
}
