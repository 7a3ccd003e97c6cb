package kv.protocol.resp;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.Arrays;

/**
 * A buffered, unsynchronized input stream for one connection, read by one thread.
 *
 * <p>Design note: a socket stream costs one system call per {@code read()}, and
 * {@link java.io.BufferedInputStream} takes a lock per byte. This class reads in large chunks and
 * lets the decoder look at the buffer directly.
 *
 * <p>An input made with {@link #fedBy} has no stream behind it: an event loop fills it from a
 * non-blocking channel ({@link #fill}) and decodes only once {@link #hasCompleteRequest(RespLimits)}
 * says a whole request is buffered, so decoding never waits. Its buffer grows as bytes arrive
 * (never from a declared length) up to {@link #MAX_BUFFERED}, and shrinks back once drained.
 */
public final class RespInput extends InputStream {

    /** Most bytes a fed input holds for one request, as Redis's client-query-buffer-limit (1 GB). */
    public static final int MAX_BUFFERED = 1024 * 1024 * 1024;

    private final InputStream source;
    private final int initialSize;
    private byte[] buffer;
    private int position;
    private int limit;

    public RespInput(InputStream source) {
        this(source, 16 * 1024);
    }

    public RespInput(InputStream source, int bufferSize) {
        this.source = source;
        this.initialSize = bufferSize;
        this.buffer = new byte[bufferSize];
    }

    /** An input filled by its owner with {@link #fill}; reading past what was filled finds end of stream. */
    public static RespInput fedBy(int bufferSize) {
        return new RespInput(null, bufferSize);
    }

    /**
     * Reads what {@code channel} has (without blocking, if it is non-blocking) into the buffer,
     * first making room: the consumed part is dropped, and a buffer full of one unfinished
     * request doubles.
     *
     * @return the bytes read, 0 if none were waiting, -1 at end of stream
     * @throws RespProtocolException if one request would need more than {@link #MAX_BUFFERED}
     */
    public int fill(ReadableByteChannel channel) throws IOException {
        if (position == limit) {
            position = 0;
            limit = 0;
            if (buffer.length > initialSize) {
                buffer = new byte[initialSize]; // a large request has been handled: give its memory back
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
        int n = channel.read(ByteBuffer.wrap(buffer, limit, buffer.length - limit));
        if (n > 0) {
            limit += n;
        }
        return n;
    }

    /** Bytes already received and not yet consumed: more pipelined input is waiting. */
    public int buffered() {
        return limit - position;
    }

    /** Fills the buffer if it is empty; false at end of stream. */
    boolean ensure() throws IOException {
        if (position < limit) {
            return true;
        }
        if (source == null) {
            return false;
        }
        int n = source.read(buffer, 0, buffer.length);
        if (n <= 0) {
            return false;
        }
        position = 0;
        limit = n;
        return true;
    }

    @Override
    public int read() throws IOException {
        return ensure() ? buffer[position++] & 0xff : -1;
    }

    /** Next byte, or an {@link EOFException} if the peer hung up in the middle of a value. */
    byte next() throws IOException {
        if (!ensure()) {
            throw new EOFException("connection closed in the middle of a value");
        }
        return buffer[position++];
    }

    @Override
    public int read(byte[] target, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        if (!ensure()) {
            return -1;
        }
        int n = Math.min(length, limit - position);
        System.arraycopy(buffer, position, target, offset, n);
        position += n;
        return n;
    }

    void readFully(byte[] target, int offset, int length) throws IOException {
        while (length > 0) {
            int n = read(target, offset, length);
            if (n < 0) {
                throw new EOFException("connection closed in the middle of a value");
            }
            offset += n;
            length -= n;
        }
    }

    /**
     * Reads up to and including the next LF, at most {@code max} bytes before it. Returns the
     * line without its CR LF (a lone LF also ends a line, as inline commands allow).
     */
    byte[] readLine(int max, String tooLongMessage) throws IOException {
        int start = position;
        // Fast path: the whole line is already buffered.
        for (int i = start; i < limit; i++) {
            if (buffer[i] == '\n') {
                int end = i > start && buffer[i - 1] == '\r' ? i - 1 : i;
                if (end - start > max) {
                    throw new RespProtocolException(tooLongMessage);
                }
                byte[] line = java.util.Arrays.copyOfRange(buffer, start, end);
                position = i + 1;
                return line;
            }
        }
        java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream(64);
        while (true) {
            byte b = next();
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int end = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return end == bytes.length ? bytes : java.util.Arrays.copyOf(bytes, end);
            }
            if (line.size() > max) {
                throw new RespProtocolException(tooLongMessage);
            }
            line.write(b);
        }
    }

    /** Reads a signed decimal integer terminated by CR LF, as in {@code *3\r\n} or {@code $5\r\n}. */
    long readLongLine(String what) throws IOException {
        long value = 0;
        boolean negative = false;
        int digits = 0;
        byte b = next();
        if (b == '-') {
            negative = true;
            b = next();
        }
        // Accumulated as a negative number: the whole 64-bit range, Long.MIN_VALUE included (an
        // INCR's reply can be either end of it).
        while (b != '\r') {
            if (b < '0' || b > '9' || digits >= 19 || value < (Long.MIN_VALUE + (b - '0')) / 10) {
                throw new RespProtocolException("invalid " + what);
            }
            value = value * 10 - (b - '0');
            digits++;
            b = next();
        }
        if (digits == 0 || next() != '\n' || !negative && value == Long.MIN_VALUE) {
            throw new RespProtocolException("invalid " + what);
        }
        return negative ? value : -value;
    }

    void expectCrlf() throws IOException {
        if (next() != '\r' || next() != '\n') {
            throw new RespProtocolException("expected CRLF after bulk data");
        }
    }

    /**
     * True if the buffered bytes hold at least one whole request, so it can be read without
     * waiting on the socket. Malformed bytes count as whole: reading them reports the error. So
     * do a length or count beyond {@code limits} and an overlong inline line: the decoder
     * rejects them without waiting for the rest (null: no limits checked here).
     */
    public boolean hasCompleteRequest(RespLimits limits) {
        int p = position;
        while (p < limit) {
            if (buffer[p] != '*') {
                int end = indexOf((byte) '\n', p);
                if (end < 0) {
                    return limits != null && limit - p > limits.maxInlineBytes() + 2;
                }
                for (int i = p; i < end; i++) {
                    if (buffer[i] > ' ') {
                        return true;
                    }
                }
                p = end + 1; // a blank line: skipped by the decoder, look past it
                continue;
            }
            long count = lengthAt(p + 1);
            if (count == INCOMPLETE) {
                return false;
            }
            if (count == MALFORMED || limits != null && count > limits.maxArrayLength()) {
                return true;
            }
            p = indexOf((byte) '\n', p) + 1;
            if (count <= 0) {
                continue; // an empty or null array: skipped by the decoder too
            }
            for (long n = 0; n < count; n++) {
                if (p >= limit) {
                    return false;
                }
                if (buffer[p] != '$') {
                    return true;
                }
                long length = lengthAt(p + 1);
                if (length == INCOMPLETE) {
                    return false;
                }
                if (length == MALFORMED || length < 0 || limits != null && length > limits.maxBulkBytes()) {
                    return true;
                }
                p = indexOf((byte) '\n', p) + 1;
                if (length > limit - p - 2) {
                    return false;
                }
                p += (int) length + 2;
            }
            return true;
        }
        return false;
    }

    /** Where {@link #hasCompleteValue} stopped, relative to the position: the element it waits for. */
    private int scanOffset;
    /** Elements (of the value at the position) {@link #hasCompleteValue} has still to see; 0: no scan under way. */
    private long scanRemaining;

    /**
     * True if the buffered bytes hold at least one whole RESP value of any type (a reply, as a
     * client reads it), so {@link RespDecoder#readValue} will not wait on the socket. Malformed
     * bytes count as whole: reading them reports the error.
     *
     * <p>The scan resumes where the last call stopped, so a large reply that arrives in many
     * small reads is scanned once, not once per read. The caller must read the value after a
     * true answer, before asking again.
     */
    public boolean hasCompleteValue() {
        if (scanRemaining == 0) {
            scanOffset = 0;
            scanRemaining = 1;
        }
        int p = position + scanOffset;
        while (scanRemaining > 0) {
            if (p >= limit) {
                scanOffset = p - position;
                return false;
            }
            byte type = buffer[p];
            int eol = indexOf((byte) '\n', p);
            if (eol < 0) {
                scanOffset = p - position;
                return false;
            }
            long children = 0;
            if (type == '$' || type == '=' || type == '!' || type == '*' || type == '~' || type == '>'
                    || type == '%' || type == '|') {
                long n = lengthAt(p + 1);
                if (n == INCOMPLETE) {
                    scanOffset = p - position;
                    return false;
                }
                if (n == MALFORMED || n > Integer.MAX_VALUE) { // the decoder rejects it without the rest
                    scanRemaining = 0;
                    return true;
                }
                if (type == '$' || type == '=' || type == '!') {
                    if (n >= 0 && n + 2 > limit - (eol + 1)) {
                        scanOffset = p - position;
                        return false;
                    }
                    eol += n >= 0 ? (int) n + 2 : 0;
                }
                else if (n > 0) {
                    // a map's and an attribute's elements are pairs; an attribute precedes a value
                    children = type == '%' ? 2 * n : type == '|' ? 2 * n + 1 : n;
                }
                else if (type == '|') {
                    children = 1;
                }
            }
            p = eol + 1;
            scanRemaining += children - 1;
        }
        return true;
    }

    private static final long INCOMPLETE = Long.MIN_VALUE;
    private static final long MALFORMED = Long.MIN_VALUE + 1;

    /**
     * The signed decimal number at {@code from} up to CR LF, as the decoder reads it; INCOMPLETE
     * if cut off, MALFORMED if not a number or not ended by CR LF.
     */
    private long lengthAt(int from) {
        boolean negative = from < limit && buffer[from] == '-';
        int digits = negative ? from + 1 : from;
        long value = 0;
        for (int i = digits; i < limit; i++) {
            byte b = buffer[i];
            if (b == '\r') {
                if (i + 1 >= limit) {
                    return INCOMPLETE;
                }
                return i == digits || buffer[i + 1] != '\n' ? MALFORMED : negative ? -value : value;
            }
            if (b < '0' || b > '9' || i - digits >= 18) {
                return MALFORMED;
            }
            value = value * 10 + (b - '0');
        }
        return INCOMPLETE;
    }

    private int indexOf(byte b, int from) {
        for (int i = from; i < limit; i++) {
            if (buffer[i] == b) {
                return i;
            }
        }
        return -1;
    }

    /** Looks at the next byte without consuming it; -1 at end of stream. */
    int peek() throws IOException {
        return ensure() ? buffer[position] & 0xff : -1;
    }
}
