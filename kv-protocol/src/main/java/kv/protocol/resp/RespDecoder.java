package kv.protocol.resp;

import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads RESP from a {@link RespInput}: requests for a server, any RESP2/RESP3 value for a client.
 *
 * <p>Design note: Spring Integration's {@code Deserializer} contract is a blocking pull (one
 * call returns one message from a stream), so this decoder pulls: each read asks the input for
 * bytes and blocks until they come. It is therefore correct however the bytes arrive, one at a
 * time or a whole pipeline at once (the tests feed it one byte per read). It holds no business
 * logic and never trusts a declared length: bulk strings grow as their bytes arrive, arrays as
 * their elements do, so a peer that declares 2 GB and sends nothing costs us nothing.
 */
public final class RespDecoder {

    private static final int FIRST_CHUNK = 64 * 1024;

    private final RespLimits limits;

    public RespDecoder(RespLimits limits) {
        this.limits = limits;
    }

    public RespDecoder() {
        this(RespLimits.DEFAULTS);
    }

    public RespLimits limits() {
        return limits;
    }

    /**
     * Reads the next request, skipping empty inline lines and empty arrays as Redis does.
     *
     * @return the request, or null if the stream ended cleanly between requests
     * @throws RespProtocolException if the bytes are not a valid request
     * @throws EOFException if the stream ended in the middle of a request
     */
    public Request readRequest(RespInput in) throws IOException {
        while (true) {
            int first = in.peek();
            if (first < 0) {
                return null;
            }
            Request request = first == '*' ? readMultibulk(in) : readInline(in);
            if (request != null) {
                return request;
            }
        }
    }

    /**
     * Reads the next request and then every further request already whole in the buffer, up to
     * {@code max}: the batch a pipelining client sent together. Never waits on the socket after
     * the first request. A malformed request ends the batch as a {@link RespProtocolException}
     * in {@code errors}; the requests before it are returned.
     *
     * @return the requests, or null if the stream ended cleanly before the first
     */
    public List<Request> readPipeline(RespInput in, int max, List<RespProtocolException> errors) throws IOException {
        Request first = readRequest(in);
        if (first == null) {
            return null;
        }
        if (in.buffered() == 0 || !in.hasCompleteRequest(limits)) {
            return List.of(first);
        }
        List<Request> batch = new ArrayList<>(16);
        batch.add(first);
        while (batch.size() < max && in.buffered() > 0 && in.hasCompleteRequest(limits)) {
            try {
                Request next = readRequest(in);
                if (next == null) {
                    break;
                }
                batch.add(next);
            }
            catch (RespProtocolException e) {
                errors.add(e);
                break;
            }
        }
        return batch;
    }

    private Request readMultibulk(RespInput in) throws IOException {
        in.next(); // '*'
        long count = in.readLongLine("multibulk length");
        if (count > limits.maxArrayLength()) {
            throw new RespProtocolException("invalid multibulk length");
        }
        if (count <= 0) {
            return null;
        }
        byte[][] args = new byte[(int) count][];
        for (int i = 0; i < count; i++) {
            byte type = in.next();
            if (type != '$') {
                throw new RespProtocolException("expected '$', got '" + printable(type) + "'");
            }
            args[i] = readBulkBody(in);
            if (args[i] == null) {
                throw new RespProtocolException("invalid bulk length");
            }
        }
        return new Request(args);
    }

    private Request readInline(RespInput in) throws IOException {
        byte[] line = in.readLine(limits.maxInlineBytes(), "too big inline request");
        List<byte[]> words = InlineSplitter.split(line);
        return words.isEmpty() ? null : Request.of(words);
    }

    /**
     * Reads the next value of any RESP2/RESP3 type.
     *
     * @return the value, or null if the stream ended cleanly between values
     */
    public RespValue readValue(RespInput in) throws IOException {
        if (in.peek() < 0) {
            return null;
        }
        return readValue(in, 0);
    }

    private RespValue readValue(RespInput in, int depth) throws IOException {
        if (depth > limits.maxDepth()) {
            throw new RespProtocolException("nesting deeper than " + limits.maxDepth());
        }
        byte type = in.next();
        switch (type) {
            case '+':
                return new RespValue.SimpleString(line(in));
            case '-':
                return new RespValue.Error(line(in));
            case ':':
                return new RespValue.Integer(in.readLongLine("integer"));
            case '$': {
                byte[] bytes = readBulkBody(in);
                return bytes == null ? Replies.NULL : new RespValue.BulkString(bytes);
            }
            case '*': {
                List<RespValue> elements = readElements(in, depth, 1);
                return elements == null ? Replies.NULL : new RespValue.Array(elements);
            }
            case '%': {
                List<RespValue> elements = readElements(in, depth, 2);
                return new RespValue.Map(elements == null ? List.of() : elements);
            }
            case '~': {
                List<RespValue> elements = readElements(in, depth, 1);
                return new RespValue.Set(elements == null ? List.of() : elements);
            }
            case '>': {
                List<RespValue> elements = readElements(in, depth, 1);
                return new RespValue.Push(elements == null ? List.of() : elements);
            }
            case '|': {
                List<RespValue> elements = readElements(in, depth, 2);
                RespValue.Map attributes = new RespValue.Map(elements == null ? List.of() : elements);
                return new RespValue.Attributed(attributes, readValue(in, depth + 1));
            }
            case '_':
                in.expectCrlf();
                return Replies.NULL;
            case '#': {
                String text = line(in);
                if (!text.equals("t") && !text.equals("f")) {
                    throw new RespProtocolException("invalid boolean '" + text + "'");
                }
                return new RespValue.Boolean(text.equals("t"));
            }
            case ',': {
                String text = line(in);
                try {
                    return new RespValue.Double(parseDouble(text));
                }
                catch (NumberFormatException e) {
                    throw new RespProtocolException("invalid double '" + text + "'");
                }
            }
            case '(': {
                String text = line(in);
                if (!text.matches("[-+]?[0-9]+")) {
                    throw new RespProtocolException("invalid big number");
                }
                return new RespValue.BigNumber(text);
            }
            case '=': {
                byte[] bytes = readBulkBody(in);
                if (bytes == null || bytes.length < 4 || bytes[3] != ':') {
                    throw new RespProtocolException("invalid verbatim string");
                }
                return new RespValue.Verbatim(new String(bytes, 0, 3, StandardCharsets.UTF_8),
                        new String(bytes, 4, bytes.length - 4, StandardCharsets.UTF_8));
            }
            case '!': {
                byte[] bytes = readBulkBody(in);
                return new RespValue.Error(bytes == null ? "" : new String(bytes, StandardCharsets.UTF_8));
            }
            default:
                throw new RespProtocolException("unknown type byte '" + printable(type) + "'");
        }
    }

    private List<RespValue> readElements(RespInput in, int depth, int perEntry) throws IOException {
        long count = in.readLongLine("aggregate length");
        if (count < 0) {
            return null;
        }
        if (count > limits.maxArrayLength() / perEntry) {
            throw new RespProtocolException("aggregate of " + count + " elements is over the limit");
        }
        int total = (int) count * perEntry;
        List<RespValue> elements = new ArrayList<>(Math.min(total, 1024));
        for (int i = 0; i < total; i++) {
            elements.add(readValue(in, depth + 1));
        }
        return elements;
    }

    /** After the '$': the length line, the data and its CR LF; null for a RESP2 null bulk. */
    private byte[] readBulkBody(RespInput in) throws IOException {
        long length = in.readLongLine("bulk length");
        if (length == -1) {
            return null;
        }
        if (length < 0 || length > limits.maxBulkBytes()) {
            throw new RespProtocolException("invalid bulk length");
        }
        int size = (int) length;
        byte[] data;
        if (size <= FIRST_CHUNK) {
            data = new byte[size];
            in.readFully(data, 0, size);
        }
        else {
            // Grow with the bytes that really arrive, never from the declared length alone.
            data = new byte[FIRST_CHUNK];
            int filled = 0;
            while (filled < size) {
                if (filled == data.length) {
                    data = Arrays.copyOf(data, (int) Math.min((long) data.length * 2, size));
                }
                int n = in.read(data, filled, data.length - filled);
                if (n < 0) {
                    throw new EOFException("connection closed in the middle of a bulk string");
                }
                filled += n;
            }
        }
        in.expectCrlf();
        return data;
    }

    private String line(RespInput in) throws IOException {
        return new String(in.readLine(limits.maxInlineBytes(), "line too long"), StandardCharsets.UTF_8);
    }

    private static double parseDouble(String text) {
        return switch (text) {
            case "inf" -> Double.POSITIVE_INFINITY;
            case "-inf" -> Double.NEGATIVE_INFINITY;
            case "nan" -> Double.NaN;
            default -> Double.parseDouble(text);
        };
    }

    private static String printable(byte b) {
        return b >= 32 && b < 127 ? String.valueOf((char) b) : String.format("\\x%02x", b);
    }
}
