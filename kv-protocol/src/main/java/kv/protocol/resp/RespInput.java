package kv.protocol.resp;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.Arrays;

/**
 * The read side of one connection, used by one thread: a buffer of the bytes received and not yet
 * decoded, and where the {@link RespDecoder} stopped in them.
 *
 * <p>Design note: a socket stream costs one system call per {@code read()}, and
 * {@link java.io.BufferedInputStream} takes a lock per byte. This class reads in large chunks and
 * the decoder works on its buffer directly. Because the decoder's progress lives here, with the
 * bytes, one decoder serves every connection of a factory (a Spring Integration deserializer is
 * shared), and a value cut off by a read resumes where it stopped when the rest arrives.
 *
 * <p>An input made with {@link #fedBy} has no stream behind it: an event loop fills it from a
 * non-blocking channel ({@link #fill}) and decodes what has arrived, never waiting. An input on
 * a stream is read from it when the decoder needs more bytes. The buffer holds what one step of
 * the decoder needs whole (a line; a bulk string's bytes are taken out as they come), grows as
 * bytes arrive, never from a declared length, up to {@link #MAX_BUFFERED}, and shrinks back once
 * drained.
 */
public final class RespInput extends InputStream {

    /**
     * Most bytes the buffer grows to. It grows only for what the decoder needs whole, one line,
     * which {@link RespLimits#maxInlineBytes} bounds far below this; a whole request or reply is
     * bounded by {@link RespLimits#maxMessageBytes}.
     */
    public static final int MAX_BUFFERED = 1024 * 1024 * 1024;

    private static final byte[] NONE = new byte[0];

    private final InputStream source;
    private final int initialSize;
    byte[] buffer;
    /** The first byte not decoded yet. */
    int position;
    /** One past the last byte received. */
    int limit;
    /** Where the decoder stopped (see {@link RespDecoder}). */
    final RespDecoder.Progress progress = new RespDecoder.Progress();
    /** Shared by every client of a service, or null for none (see {@link QueryBudget}). */
    private QueryBudget budget;
    /** What this input's unfinished request holds of the budget. */
    private long reserved;
    /** True once the budget refused this input more: its client is being closed. */
    private boolean refused;
    /** True while its client has not authenticated and must: the decoder's smaller limits hold. */
    private java.util.function.BooleanSupplier unauthenticated = () -> false;

    /**
     * While {@code unauthenticated} says so, a request may have at most
     * {@link RespDecoder#UNAUTHENTICATED_ARGS} arguments of at most
     * {@link RespDecoder#UNAUTHENTICATED_BULK} bytes (Redis's limits before AUTH).
     */
    public void unauthenticatedWhile(java.util.function.BooleanSupplier unauthenticated) {
        this.unauthenticated = unauthenticated;
    }

    boolean unauthenticated() {
        return unauthenticated.getAsBoolean();
    }

    public RespInput(InputStream source) {
        this(source, 16 * 1024);
    }

    public RespInput(InputStream source, int bufferSize) {
        this(source, bufferSize, new byte[bufferSize]);
    }

    private RespInput(InputStream source, int bufferSize, byte[] buffer) {
        this.source = source;
        this.initialSize = bufferSize;
        this.buffer = buffer;
    }

    /**
     * An input filled by its owner with {@link #fill}; decoding past what was filled finds end of
     * stream. It holds no buffer until bytes arrive (an idle connection costs none).
     */
    public static RespInput fedBy(int bufferSize) {
        return new RespInput(null, bufferSize, NONE);
    }

    /**
     * Reads what {@code channel} has, as {@link #fill(ReadableByteChannel)} does, into
     * {@code shared} if this input holds no bytes: a buffer its owner lends to every input it
     * serves one at a time (an event loop's), so that an input whose requests are decoded whole
     * never needs one of its own. The owner calls {@link #detach} before lending it again.
     */
    public int fill(ReadableByteChannel channel, byte[] shared) throws IOException {
        if (position == limit) {
            buffer = shared;
            position = 0;
            limit = 0;
        }
        return fill(channel);
    }

    /**
     * Gives back a lent buffer: the bytes not decoded yet, if any, move to a buffer of this
     * input's own (as small as they allow); with none left, the input holds no buffer at all.
     */
    public void detach(byte[] shared) {
        if (position == limit) {
            buffer = NONE;
            position = 0;
            limit = 0;
        }
        else if (buffer == shared) {
            int rest = limit - position;
            byte[] own = new byte[Math.max(initialSize, rest)];
            System.arraycopy(shared, position, own, 0, rest);
            buffer = own;
            position = 0;
            limit = rest;
        }
    }

    /**
     * Reads what {@code channel} has (without blocking, if it is non-blocking) into the buffer.
     *
     * @return the bytes read, 0 if none were waiting, -1 at end of stream
     * @throws RespProtocolException if the buffer would need more than {@link #MAX_BUFFERED}
     */
    public int fill(ReadableByteChannel channel) throws IOException {
        makeRoom();
        int n = channel.read(ByteBuffer.wrap(buffer, limit, buffer.length - limit));
        if (n > 0) {
            limit += n;
        }
        return n;
    }

    /**
     * Waits for more bytes from the stream behind this input (the decoder needs them).
     *
     * @return the bytes read, -1 at the end of the stream or if there is no stream (a fed input)
     */
    int readMore() throws IOException {
        if (source == null) {
            return -1;
        }
        makeRoom();
        int n = source.read(buffer, limit, buffer.length - limit);
        if (n > 0) {
            limit += n;
        }
        return n;
    }

    /**
     * Makes room at the end of the buffer: the decoded part is dropped, and a buffer full of
     * bytes the decoder needs together (one long line) doubles.
     */
    private void makeRoom() throws RespProtocolException {
        if (position == limit) {
            position = 0;
            limit = 0;
            if (buffer.length > initialSize || buffer.length == 0) {
                buffer = new byte[initialSize]; // a long line has been handled: give its memory back
            }
        }
        else if (limit == buffer.length) {
            if (position > 0) {
                System.arraycopy(buffer, position, buffer, 0, limit - position);
                limit -= position;
                position = 0;
            }
            else if (buffer.length >= MAX_BUFFERED) {
                throw new RespProtocolException("request larger than " + MAX_BUFFERED + " bytes");
            }
            else {
                buffer = Arrays.copyOf(buffer, (int) Math.min((long) buffer.length * 2, MAX_BUFFERED));
            }
        }
    }

    /** Counts the buffers of requests still arriving against {@code budget}, shared with other inputs. */
    public void budget(QueryBudget budget) {
        this.budget = budget;
    }

    /** Reserves {@code bytes} of the budget for the request being decoded (decoder). */
    void reserve(long bytes) throws RespProtocolException {
        if (budget == null || bytes <= 0) {
            return;
        }
        if (!budget.reserve(bytes)) {
            refused = true;
            throw new RespProtocolException(budget.refusal());
        }
        reserved += bytes;
    }

    /** The request is whole, malformed or abandoned: what it held of the budget is free again. */
    public void releaseReserved() {
        if (reserved > 0) {
            budget.release(reserved);
            reserved = 0;
        }
    }

    /** True once the {@link QueryBudget} refused this input: the client is closed for it. */
    public boolean refusedByBudget() {
        return refused;
    }

    /** Bytes received and not decoded yet: more pipelined input is waiting. */
    public int buffered() {
        return limit - position;
    }

    /** The next byte, bypassing the decoder (e.g. to see the peer hang up); -1 at end of stream. */
    @Override
    public int read() throws IOException {
        while (position == limit) {
            if (readMore() < 0) {
                return -1;
            }
        }
        return buffer[position++] & 0xff;
    }

    @Override
    public int read(byte[] target, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        while (position == limit) {
            if (readMore() < 0) {
                return -1;
            }
        }
        int n = Math.min(length, limit - position);
        System.arraycopy(buffer, position, target, offset, n);
        position += n;
        return n;
    }
}
