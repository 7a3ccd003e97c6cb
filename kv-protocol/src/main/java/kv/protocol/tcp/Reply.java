package kv.protocol.tcp;

import java.util.List;

import kv.protocol.resp.RespValue;

/**
 * A value to send, with the protocol version the connection speaks and whether the connection
 * closes once the value is written (QUIT, protocol errors).
 */
public record Reply(RespValue value, int protocol, boolean closeAfterWrite) implements Response.Ready {

    public static Reply of(RespValue value, int protocol) {
        return new Reply(value, protocol, false);
    }

    @Override
    public void addTo(List<Reply> out) {
        out.add(this);
    }
}
