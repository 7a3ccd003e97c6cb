package kv.protocol.endpoint;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * The replies of one connection waiting to be sent: an unsynchronized, growable buffer that an
 * event loop writes to a non-blocking channel. What the channel does not take stays here, in
 * order, for the next try. It holds no memory while there is nothing to send: the buffer is
 * allocated by the first write and dropped once everything has been sent, so an idle connection
 * costs none (a small buffer allocated per round costs less than 10,000 idle connections holding one each).
 *
 * <p>A large write (a big value's bytes, {@value #BORROW} bytes or more) is not copied: the
 * array itself is queued behind what was written before it, and sent from there. Copying a
 * 200 MB value into this buffer (and growing the buffer to hold it) cost two more heap copies
 * of every big GET, for as long as the client took to read it. The caller hands such an array
 * over: it must not change it afterwards. Every large writer does (values read from the store or
 * from a backend, encoded messages), and the small scratch arrays of the encoder stay far below
 * the bound.
 */
final class ChannelOutput extends OutputStream {

    private static final int MAX_SLICE = 256 * 1024;
    /** Writes of at least this many bytes are queued by reference instead of copied. */
    static final int BORROW = 256 * 1024;
    private static final byte[] NONE = new byte[0];

    private final int initialSize;
    private byte[] buffer;
    /** First byte not yet sent. */
    private int start;
    /** End of the bytes written. */
    private int end;
    /**
     * What waits before {@link #buffer}'s bytes, in order: large arrays written by reference and
     * the filled buffers that came before them. Null while there are none (most of the time).
     */
    private ArrayDeque<Chunk> queued;
    /** Bytes in {@link #queued} not yet sent. */
    private long queuedBytes;

    /** Bytes of {@code array} from {@code from} (advanced as they are sent) to {@code to}. */
    private static final class Chunk {
        final byte[] array;
        int from;
        final int to;

        Chunk(byte[] array, int from, int to) {
            this.array = array;
            this.from = from;
            this.to = to;
        }
    }

    ChannelOutput(int initialSize) {
        this.initialSize = initialSize;
        this.buffer = NONE;
    }

    /** Bytes written and not yet sent (at most {@link Integer#MAX_VALUE}). */
    int pending() {
        return (int) Math.min(Integer.MAX_VALUE, queuedBytes + end - start);
    }

    @Override
    public void write(int b) {
        makeRoom(1);
        buffer[end++] = (byte) b;
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
        if (length >= BORROW) {
            enqueue(bytes, offset, length);
            return;
        }
        makeRoom(length);
        System.arraycopy(bytes, offset, buffer, end, length);
        end += length;
    }

    /** Queues {@code bytes} by reference, after the buffer's bytes, which are sealed and queued first. */
    private void enqueue(byte[] bytes, int offset, int length) {
        if (queued == null) {
            queued = new ArrayDeque<>();
        }
        if (end > start) {
            queued.add(new Chunk(buffer, start, end));
            queuedBytes += end - start;
            buffer = NONE; // the next small write starts a new one
            start = 0;
            end = 0;
        }
        queued.add(new Chunk(bytes, offset, offset + length));
        queuedBytes += length;
    }

    /**
     * Sends as much as {@code channel} takes now.
     *
     * @return true if everything was sent
     */
    boolean sendTo(WritableByteChannel channel) throws IOException {
        while (queued != null && !queued.isEmpty()) {
            Chunk chunk = queued.peek();
            while (chunk.from < chunk.to) {
                int n = send(channel, chunk.array, chunk.from, chunk.to);
                if (n == 0) {
                    return false;
                }
                chunk.from += n;
                queuedBytes -= n;
            }
            queued.poll();
        }
        queued = null;
        while (start < end) {
            int n = send(channel, buffer, start, end);
            if (n == 0) {
                return false;
            }
            start += n;
        }
        clear();
        // A TLS layer may hold encrypted bytes the socket did not take yet.
        return !(channel instanceof TlsTransport tls) || tls.flushed();
    }

    /**
     * One write of {@code array[from, to)}, in slices: the JDK copies a heap buffer into a direct
     * one of the same size per write, so a large backlog would be copied whole each time the
     * socket took a little.
     */
    private static int send(WritableByteChannel channel, byte[] array, int from, int to) throws IOException {
        return channel.write(ByteBuffer.wrap(array, from, Math.min(to - from, MAX_SLICE)));
    }

    /** Forgets everything unsent (the connection is closing without sending it), and the buffer. */
    void clear() {
        start = 0;
        end = 0;
        buffer = NONE;
        queued = null;
        queuedBytes = 0;
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
