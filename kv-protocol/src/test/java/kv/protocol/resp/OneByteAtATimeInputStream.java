package kv.protocol.resp;

import java.io.ByteArrayInputStream;
import java.io.InputStream;

/** Hands out one byte per read call, like a peer that writes "+", "O", "K", "\r\n" separately. */
final class OneByteAtATimeInputStream extends InputStream {

    private final ByteArrayInputStream bytes;
    int reads;

    OneByteAtATimeInputStream(byte[] data) {
        this.bytes = new ByteArrayInputStream(data);
    }

    @Override
    public int read() {
        reads++;
        return bytes.read();
    }

    @Override
    public int read(byte[] target, int offset, int length) {
        if (length == 0) {
            return 0;
        }
        int b = read();
        if (b < 0) {
            return -1;
        }
        target[offset] = (byte) b;
        return 1;
    }
}
