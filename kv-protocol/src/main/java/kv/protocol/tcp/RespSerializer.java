package kv.protocol.tcp;

import java.io.IOException;
import java.io.OutputStream;

import kv.protocol.resp.RespEncoder;
import kv.protocol.resp.RespValue;
import kv.protocol.resp.Request;
import org.springframework.core.serializer.Serializer;

/**
 * Writes {@link Reply}s and {@link ReplyBatch}es (server side), {@link Request}s (client side) and bare
 * {@link RespValue}s (as RESP2).
 */
public final class RespSerializer implements Serializer<Object> {

    @Override
    public void serialize(Object object, OutputStream out) throws IOException {
        if (object instanceof Reply reply) {
            RespEncoder.write(reply.value(), reply.protocol(), out);
        }
        else if (object instanceof ReplyBatch batch) {
            for (Reply reply : batch.replies()) {
                RespEncoder.write(reply.value(), reply.protocol(), out);
            }
        }
        else if (object instanceof DeferredReply deferred && deferred.ready() != null) {
            serialize(deferred.ready(), out);
        }
        else if (object instanceof Request request) {
            RespEncoder.write(request, out);
        }
        else if (object instanceof RequestBatch batch) {
            for (Request request : batch.requests()) {
                RespEncoder.write(request, out); // a client pipelining to a server
            }
        }
        else if (object instanceof RespValue value) {
            RespEncoder.write(value, 2, out);
        }
        else {
            throw new IllegalArgumentException("cannot write " + object.getClass().getName() + " as RESP");
        }
    }
}
