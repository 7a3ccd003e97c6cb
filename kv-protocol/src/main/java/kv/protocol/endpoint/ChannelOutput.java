package kv.protocol.endpoint;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.Arrays;

/**
 * The replies of one connection waiting to be sent: an unsynchronized, growable buffer that an
 * event loop writes to a non-blocking channel. What the channel does not take stays here, in
 * order, for the next try.
 */
final class ChannelOutput extends OutputStream {

    private static final int MAX_SLICE = 256 * 1024;

    private final int initialSize;
    private byte[] buffer;
    /** First byte not yet sent. */
    private int start;
    /** End of the bytes written. */
    private int end;

    ChannelOutput(int initialSize) {
        this.initialSize = initialSize;
        this.buffer = new byte[initialSize];
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
        return true;
    }

    /** Forgets everything unsent (the connection is closing without sending it). */
    void clear() {
        start = 0;
        end = 0;
        if (buffer.length > 4 * initialSize) {
            buffer = new byte[initialSize]; // a large reply has gone: give its memory back
        }
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
        long needed = (long) end + length;
        if (needed > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("reply larger than " + (Integer.MAX_VALUE - 8) + " bytes");
        }
        buffer = Arrays.copyOf(buffer, (int) Math.min(Math.max(needed, 2L * buffer.length), Integer.MAX_VALUE - 8));
    }
}
