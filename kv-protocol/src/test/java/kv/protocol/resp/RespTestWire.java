package kv.protocol.resp;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

final class RespTestWire {

    private RespTestWire() {
    }

    static byte[] bulk(byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("$" + payload.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(payload);
        out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }
}
