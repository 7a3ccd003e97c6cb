package kv.protocol.resp;

import java.io.IOException;

/** The peer sent bytes that are not RESP; the message is the detail after "Protocol error: ". */
public class RespProtocolException extends IOException {

    public RespProtocolException(String message) {
        super(message);
    }
}
