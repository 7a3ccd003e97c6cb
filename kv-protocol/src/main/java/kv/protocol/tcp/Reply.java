package kv.protocol.tcp;

import kv.protocol.resp.RespValue;

/**
 * A value to send, with the protocol version the connection speaks and whether the connection
 * closes once the value is written (QUIT, protocol errors).
 */
public record Reply(RespValue value, int protocol, boolean closeAfterWrite) {

    public static Reply of(RespValue value, int protocol) {
        return new Reply(value, protocol, false);
    }
}
