package kv.protocol.endpoint;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.Arrays;

/**
 * The replies of one connection waiting to be sent: an unsynchronized, growable buffer that an
 * event loop writes to a non-blocking channel. What the channel does not take stays here, in
 * order, for the next try. It holds no memory while there is nothing to send: the buffer is
 * allocated by the first write and dropped once everything has been sent, so an idle connection
 * costs none (a small buffer allocated per round costs less than 10,000 idle connections holding one each).
 */
final class ChannelOutput extends OutputStream {

    private static final int MAX_SLICE = 256 * 1024;
    private static final byte[] NONE = new byte[0];

    private final int initialSize;
    private byte[] buffer;
    /** First byte not yet sent. */
    private int start;
    /** End of the bytes written. */
    private int end;

    ChannelOutput(int initialSize) {
        this.initialSize = initialSize;
        this.buffer = NONE;
    }

    /** Bytes written and not yet sent. */
    int pending() {
        return end - start;
    }

    @Override
    public void write(int b) {
        makeRoom(1);
        buffer[end++] = (byte) b;
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
        makeRoom(length);
        System.arraycopy(bytes, offset, buffer, end, length);
        end += length;
    }

    /**
     * Sends as much as {@code channel} takes now.
     *
     * @return true if everything was sent
     */
    boolean sendTo(WritableByteChannel channel) throws IOException {
        while (start < end) {
            // In slices: the JDK copies a heap buffer into a direct one of the same size per
            // write, so a large backlog would be copied whole each time the socket took a little.
            int n = channel.write(ByteBuffer.wrap(buffer, start, Math.min(end - start, MAX_SLICE)));
            if (n == 0) {
                return false;
            }
            start += n;
        }
        clear();
        // A TLS layer may hold encrypted bytes the socket did not take yet.
        return !(channel instanceof TlsTransport tls) || tls.flushed();
    }

    /** Forgets everything unsent (the connection is closing without sending it), and the buffer. */
    void clear() {
        start = 0;
        end = 0;
        buffer = NONE;
    }

    private void makeRoom(int length) {
        if (buffer.length - end >= length) {
            return;
        }
        if (start > 0) {
            System.arraycopy(buffer, start, buffer, 0, end - start);
            end -= start;
            start = 0;
            if (buffer.length - end >= length) {
                return;
            }
        }
        if (buffer.length == 0) {
            buffer = new byte[Math.max(initialSize, length)];
            return;
        }
        long needed = (long) end + length;
        if (needed > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("reply larger than " + (Integer.MAX_VALUE - 8) + " bytes");
        }
        buffer = Arrays.copyOf(buffer, (int) Math.min(Math.max(needed, 2L * buffer.length), Integer.MAX_VALUE - 8));
    }
}
