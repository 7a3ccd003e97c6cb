package kv.protocol.resp;

import java.io.IOException;
import java.io.OutputStream;

/**
 * An unsynchronized output buffer for one connection: replies accumulate here and reach the
 * socket in one write when the buffer fills or the owner flushes (see {@link RespInput}).
 */
public final class RespOutput extends OutputStream {

    private final OutputStream sink;
    private final byte[] buffer;
    private int count;
    private Runnable beforeSend = () -> { };

    public RespOutput(OutputStream sink, int bufferSize) {
        this.sink = sink;
        this.buffer = new byte[bufferSize];
    }

    /**
     * Runs before buffered bytes are handed to the socket. The server makes pending writes
     * durable there, so no acknowledgement can leave before the write it acknowledges is logged.
     */
    public void setBeforeSend(Runnable hook) {
        this.beforeSend = hook;
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
            beforeSend.run();
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
            beforeSend.run();
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
