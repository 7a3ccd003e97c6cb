package kv.protocol.resp;

import java.io.IOException;
import java.io.OutputStream;

/**
 * An unsynchronized output buffer for one blocking connection (a client's, or the proxy's
 * invalidation connection): what is written accumulates here and reaches the socket in one
 * write when the buffer fills or the owner flushes.
 */
public final class RespOutput extends OutputStream {

    private final OutputStream sink;
    private final byte[] buffer;
    private int count;

    public RespOutput(OutputStream sink, int bufferSize) {
        this.sink = sink;
        this.buffer = new byte[bufferSize];
    }

    @Override
    public void write(int b) throws IOException {
        if (count == buffer.length) {
            drain();
        }
        buffer[count++] = (byte) b;
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        if (length >= buffer.length) {
            drain();
            sink.write(bytes, offset, length);
            return;
        }
        if (length > buffer.length - count) {
            drain();
        }
        System.arraycopy(bytes, offset, buffer, count, length);
        count += length;
    }

    /** True if replies are waiting to be flushed. */
    public boolean pending() {
        return count > 0;
    }

    @Override
    public void flush() throws IOException {
        drain();
        sink.flush();
    }

    private void drain() throws IOException {
        if (count > 0) {
            sink.write(buffer, 0, count);
            count = 0;
        }
    }

    @Override
    public void close() throws IOException {
        flush();
        sink.close();
    }
}
