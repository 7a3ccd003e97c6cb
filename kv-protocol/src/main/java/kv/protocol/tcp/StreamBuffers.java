package kv.protocol.tcp;

import java.io.InputStream;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

import kv.protocol.resp.RespInput;

/**
 * One read buffer per connection stream, for as long as the stream lives. A deserializer is
 * called once per message, but bytes of the next message may already sit in the buffer, so the
 * buffer must not be made anew per call. Connections that hand over a {@link RespInput}
 * (kv's own) keep their buffer themselves.
 */
final class StreamBuffers {

    private final Map<InputStream, RespInput> inputs = Collections.synchronizedMap(new WeakHashMap<>());

    RespInput of(InputStream stream) {
        return stream instanceof RespInput resp ? resp : inputs.computeIfAbsent(stream, RespInput::new);
    }
}
