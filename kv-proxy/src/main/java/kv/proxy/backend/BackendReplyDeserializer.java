package kv.proxy.backend;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import kv.protocol.resp.RespDecoder;
import kv.protocol.resp.RespInput;
import kv.protocol.resp.RespValue;
import org.springframework.core.serializer.Deserializer;
import org.springframework.integration.ip.tcp.serializer.SoftEndOfStreamException;

/**
 * Reads a backend's answer to one request message: one reply, or, when the proxy pipelined a
 * batch of N requests as one message, the N replies as one {@link ReplyList}. The connection
 * says how many it is owed ({@link BackendConnection#repliesOwedOnThisThread()}).
 */
final class BackendReplyDeserializer implements Deserializer<Object> {

    private final RespDecoder decoder = new RespDecoder();

    @Override
    public Object deserialize(InputStream inputStream) throws IOException {
        RespInput in = (RespInput) inputStream;
        RespValue first = decoder.readValue(in);
        if (first == null) {
            throw new SoftEndOfStreamException("connection closed by the backend");
        }
        int owed = BackendConnection.repliesOwedOnThisThread();
        if (owed == 1) {
            return first;
        }
        List<RespValue> replies = new ArrayList<>(owed);
        replies.add(first);
        for (int i = 1; i < owed; i++) {
            RespValue next = decoder.readValue(in);
            if (next == null) {
                throw new SoftEndOfStreamException("connection closed by the backend mid-batch");
            }
            replies.add(next);
        }
        return new ReplyList(replies);
    }
}
