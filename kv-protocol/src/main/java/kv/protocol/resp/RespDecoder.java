package kv.protocol.resp;

import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Decodes RESP from a {@link RespInput}: requests for a server (arrays of bulk strings, and inline
 * command lines), any RESP2/RESP3 value for a client.
 *
 * <p>Design note: one resumable state machine, after Netty's {@code RedisDecoder}. Each
 * {@link Step} (a type byte, a decimal length up to its CR LF, a line, a bulk string's bytes, the
 * CR LF after them) consumes what has arrived of it and then either completes or reports "need
 * more bytes"; where it stopped is kept in the input ({@link Progress}), so the next call resumes
 * at that byte and no byte is examined twice. The decoder is therefore also what tells an event
 * loop whether a whole request or reply has arrived ({@link #decodeRequest} and
 * {@link #decodeValue} return null until it has): there is no second scanner that must agree with
 * it. The blocking {@link #readRequest} and {@link #readValue} run the same steps and read from
 * the input's stream in between, for Spring Integration's pull {@code Deserializer} and plain
 * sockets.
 *
 * <p>It holds no business logic and never trusts a declared length: a bulk string's array grows
 * with the bytes that arrive (past 64 KB), an array's with its elements (past 1,024), so a peer
 * that declares 2 GB and sends nothing costs us nothing. Input is rejected at the byte that makes
 * it malformed, with Redis's texts (the detail after "Protocol error: "); numbers are read as
 * Redis's {@code string2ll} reads them (no sign but a minus, no leading zero, within a long). The
 * common case, a bulk string whose bytes are all buffered, is one copy out of the buffer.
 */
public final class RespDecoder {

    /** Largest bulk string given its whole array before its bytes arrive. */
    private static final int FIRST_CHUNK = 64 * 1024;
    /** How much a bulk string's array grows when its bytes outgrow it (see {@link #bulk}). */
    private static final long GROWTH = 8;
    /** Most elements an array gets room for before they arrive (as Redis 7 sizes a command's argv). */
    private static final int FIRST_ELEMENTS = 1024;

    /** Most arguments of a request from a client that must still authenticate (Redis CVE-2021-32675). */
    public static final int UNAUTHENTICATED_ARGS = 10;
    /** Longest argument of a request from a client that must still authenticate. */
    public static final int UNAUTHENTICATED_BULK = 16 * 1024;

    private final RespLimits limits;
    /** The limits read on every request, kept where the decoding loop reads them. */
    private final long maxBulkBytes;
    private final int maxArrayLength;
    private final long maxMessageBytes;

    public RespDecoder(RespLimits limits) {
        this.limits = limits;
        this.maxBulkBytes = limits.maxBulkBytes();
        this.maxArrayLength = limits.maxArrayLength();
        this.maxMessageBytes = limits.maxMessageBytes();
    }

    public RespDecoder() {
        this(RespLimits.DEFAULTS);
    }

    public RespLimits limits() {
        return limits;
    }

    /** The steps of the machine: what the next bytes are expected to be. */
    enum Step {
        /** A type byte: {@code *} or {@code $} in a request (else an inline line), any RESP type in a reply. */
        TYPE,
        /** A line up to its LF: an inline request, or a simple reply ({@code +OK}, {@code #t}, ...). */
        LINE,
        /** A decimal number up to CR LF: a length, a count or an integer. */
        NUMBER,
        /** A bulk string's bytes. */
        BULK,
        /** The CR LF after a bulk string's bytes (and the whole of RESP3's null, {@code _}). */
        CRLF
    }

    /**
     * Where decoding stopped in one input: the registers of the state machine, kept between calls.
     * While a call runs, its step is a local variable; it is stored here only when the call
     * suspends for more bytes (and reset to TYPE when a request or reply is complete).
     */
    static final class Progress {
        Step step = Step.TYPE;
        /** The type byte of the value being read; in a request {@code *} (its count) or {@code $}. */
        byte type;
        /** NUMBER: the digits so far, negated (as {@link Long#parseLong} reaches {@link Long#MIN_VALUE}). */
        long number;
        boolean negative;
        int digits;
        /** NUMBER, CRLF: the CR has arrived, the LF is next. */
        boolean cr;
        /** LINE: how many bytes of the line have been searched for its LF already. */
        int scanned;
        /** BULK: the bulk string being filled, its declared length and how much has arrived. */
        byte[] bulk;
        int bulkLength;
        int filled;
        /** The bytes of bulk strings in the request or reply under way so far. */
        long messageBytes;
        /** A request: its arguments so far (null between requests), and how many it declared. */
        byte[][] args;
        int argc;
        int argsDeclared;
        /** A reply: the aggregates open around the value being read, innermost last. */
        Aggregate[] open = new Aggregate[4];
        int depth;
        /** Why the input is malformed; once set nothing after it is decoded. */
        String malformed;

        void startBulk(int length) {
            bulk = new byte[Math.min(length, FIRST_CHUNK)];
            bulkLength = length;
            filled = 0;
        }

        Aggregate push(byte aggregateType, int elements) {
            if (depth == open.length) {
                open = Arrays.copyOf(open, depth * 2);
            }
            Aggregate aggregate = open[depth];
            if (aggregate == null) {
                aggregate = open[depth] = new Aggregate();
            }
            depth++;
            aggregate.type = aggregateType;
            aggregate.remaining = elements;
            aggregate.elements = new ArrayList<>(Math.min(elements, FIRST_ELEMENTS));
            aggregate.attributes = null;
            return aggregate;
        }

        /** Between two requests or replies: where a stream may end cleanly. */
        boolean between() {
            return step == Step.TYPE && args == null && depth == 0;
        }

        void reset() {
            step = Step.TYPE;
            args = null;
            bulk = null;
            messageBytes = 0;
        }
    }

    /** An aggregate reply being read: its elements so far and how many are still to come. */
    static final class Aggregate {
        byte type;
        int remaining;
        List<RespValue> elements;
        /** An attribute ({@code |}): its map, once read; the value it is attached to comes next. */
        RespValue.Map attributes;

        /** An attribute's map has been read: next, the one value it belongs to. */
        void attributesRead() {
            attributes = new RespValue.Map(elements);
            elements = new ArrayList<>(1);
            remaining = 1;
        }
    }

    // ---- requests

    /**
     * Decodes the next request from the bytes buffered in {@code in}, skipping empty inline lines
     * and empty or null arrays as Redis does. Never waits: what has arrived of an unfinished
     * request is taken in, and the next call goes on from there.
     *
     * @return the request, or null if no whole request has arrived yet
     * @throws RespProtocolException if the bytes are not a valid request (and on every call after)
     */
    public Request decodeRequest(RespInput in) throws RespProtocolException {
        Request request = nextRequest(in);
        if (request != null) {
            in.releaseReserved(); // its buffers belong to the request now
        }
        return request;
    }

    private Request nextRequest(RespInput in) throws RespProtocolException {
        Progress p = in.progress;
        if (p.malformed != null) {
            throw new RespProtocolException(p.malformed);
        }
        try {
            Step step = p.step;
            while (true) {
                boolean fresh = false; // a number is starting, not resuming
                switch (step) {
                    case TYPE:
                        if (in.position == in.limit) {
                            return suspend(p, Step.TYPE);
                        }
                        if (!requestType(in, p)) {
                            step = Step.LINE;
                            continue;
                        }
                        fresh = true;
                        // fall through: the count after '*', or the length after '$'
                    case NUMBER:
                        if (!number(in, p, fresh, p.type == '*' ? "invalid multibulk length" : "invalid bulk length")) {
                            return suspend(p, Step.NUMBER);
                        }
                        if (p.type == '*') {
                            if (p.number > UNAUTHENTICATED_ARGS && in.unauthenticated()) {
                                throw new RespProtocolException("unauthenticated multibulk length");
                            }
                            arrayLength(p);
                            step = Step.TYPE;
                            continue;
                        }
                        if (p.number > UNAUTHENTICATED_BULK && in.unauthenticated()) {
                            throw new RespProtocolException("unauthenticated bulk length");
                        }
                        byte[] whole = argumentLength(in, p);
                        if (whole != null) {
                            Request request = argument(p, whole);
                            if (request != null) {
                                return request;
                            }
                            step = Step.TYPE;
                            continue;
                        }
                        // fall through: the argument's bytes are still arriving
                    case BULK:
                        if (!bulk(in, p)) {
                            return suspend(p, Step.BULK);
                        }
                        // fall through
                    case CRLF:
                        if (!crlf(in, p)) {
                            return suspend(p, Step.CRLF);
                        }
                        byte[] arrived = p.bulk;
                        p.bulk = null;
                        Request request = argument(p, arrived);
                        if (request != null) {
                            return request;
                        }
                        step = Step.TYPE;
                        continue;
                    case LINE:
                        int lf = lineEnd(in, p, "too big inline request");
                        if (lf < 0) {
                            return suspend(p, Step.LINE);
                        }
                        Request inline = inline(in, p, lf);
                        if (inline != null) {
                            return inline;
                        }
                        step = Step.TYPE;
                        continue;
                }
            }
        }
        catch (RespProtocolException e) {
            p.malformed = e.getMessage();
            p.bulk = null; // nothing after this is decoded: drop what the request held
            p.args = null;
            in.releaseReserved();
            throw e;
        }
    }

    /**
     * Reads the next request, waiting for the bytes from the input's stream.
     *
     * @return the request, or null if the stream ended cleanly between requests
     * @throws RespProtocolException if the bytes are not a valid request
     * @throws EOFException if the stream ended in the middle of a request
     */
    public Request readRequest(RespInput in) throws IOException {
        while (true) {
            Request request = decodeRequest(in);
            if (request != null) {
                return request;
            }
            if (in.readMore() < 0) {
                return endOfStream(in);
            }
        }
    }

    /** TYPE in a request: true if a number follows (a count or a length), false for an inline line. */
    private static boolean requestType(RespInput in, Progress p) throws RespProtocolException {
        byte type = in.buffer[in.position];
        if (p.args == null && type != '*') {
            p.scanned = 0;
            return false;
        }
        if (p.args != null && type != '$') {
            throw new RespProtocolException("expected '$', got '" + printable(type) + "'");
        }
        in.position++;
        p.type = type;
        return true;
    }

    private void arrayLength(Progress p) throws RespProtocolException {
        long count = p.number;
        if (count > maxArrayLength) {
            throw new RespProtocolException("invalid multibulk length");
        }
        if (count > 0) { // an empty or null array is skipped
            p.args = new byte[(int) Math.min(count, FIRST_ELEMENTS)][];
            p.argc = 0;
            p.argsDeclared = (int) count;
        }
    }

    /** An argument's length has been read: the argument if its bytes were all buffered, else null. */
    private byte[] argumentLength(RespInput in, Progress p) throws RespProtocolException {
        long length = p.number;
        if (length < 0 || length > maxBulkBytes) {
            throw new RespProtocolException("invalid bulk length");
        }
        countMessageBytes(p, length, "request");
        int size = (int) length;
        int start = in.position;
        if (in.limit - start - 2 >= size) {
            byte[] argument = wholeBulk(in.buffer, start, size);
            in.position = start + size + 2;
            return argument;
        }
        in.reserve(Math.min(size, FIRST_CHUNK));
        p.startBulk(size);
        return null;
    }

    private static Request argument(Progress p, byte[] argument) {
        if (p.argc == p.args.length) {
            p.args = Arrays.copyOf(p.args, (int) Math.min(2L * p.args.length, p.argsDeclared));
        }
        p.args[p.argc++] = argument;
        if (p.argc < p.argsDeclared) {
            return null;
        }
        Request request = new Request(p.args);
        p.reset();
        return request;
    }

    private static Request inline(RespInput in, Progress p, int lf) throws RespProtocolException {
        int start = in.position;
        List<byte[]> words = InlineSplitter.split(in.buffer, start, lineContentEnd(in.buffer, start, lf));
        in.position = lf + 1;
        if (words.isEmpty()) {
            return null; // a blank line is skipped
        }
        p.reset();
        return Request.of(words);
    }

    // ---- replies

    /**
     * Decodes the next value of any RESP2/RESP3 type from the bytes buffered in {@code in}. Never
     * waits: what has arrived of an unfinished value is taken in, and the next call goes on
     * from there.
     *
     * @return the value, or null if no whole value has arrived yet
     * @throws RespProtocolException if the bytes are not valid RESP (and on every call after)
     */
    public RespValue decodeValue(RespInput in) throws RespProtocolException {
        Progress p = in.progress;
        if (p.malformed != null) {
            throw new RespProtocolException(p.malformed);
        }
        try {
            Step step = p.step;
            while (true) {
                RespValue value;
                boolean fresh = false; // a number is starting, not resuming
                switch (step) {
                    case TYPE:
                        if (in.position == in.limit) {
                            return suspend(p, Step.TYPE);
                        }
                        step = valueType(in, p);
                        if (step != Step.NUMBER) {
                            continue;
                        }
                        fresh = true;
                        // fall through: a length, a count or an integer
                    case NUMBER:
                        if (!number(in, p, fresh, numberName(p.type))) {
                            return suspend(p, Step.NUMBER);
                        }
                        value = valueLength(in, p);
                        if (value == null) { // an aggregate opened, or a bulk string's bytes still arriving
                            step = p.bulk != null ? Step.BULK : Step.TYPE;
                            continue;
                        }
                        break;
                    case BULK:
                        if (!bulk(in, p)) {
                            return suspend(p, Step.BULK);
                        }
                        // fall through
                    case CRLF:
                        if (!crlf(in, p)) {
                            return suspend(p, Step.CRLF);
                        }
                        value = p.type == '_' ? Replies.NULL : bulkValue(p.type, p.bulk);
                        p.bulk = null;
                        break;
                    case LINE:
                    default: // no other step; as a default, it tells the compiler that value is always set
                        int lf = lineEnd(in, p, "line too long");
                        if (lf < 0) {
                            return suspend(p, Step.LINE);
                        }
                        value = simple(in, p, lf);
                        break;
                }
                RespValue whole = complete(p, value);
                if (whole != null) {
                    return whole;
                }
                step = Step.TYPE;
            }
        }
        catch (RespProtocolException e) {
            p.malformed = e.getMessage();
            throw e;
        }
    }

    /**
     * Reads the next value, waiting for the bytes from the input's stream.
     *
     * @return the value, or null if the stream ended cleanly between values
     * @throws RespProtocolException if the bytes are not valid RESP
     * @throws EOFException if the stream ended in the middle of a value
     */
    public RespValue readValue(RespInput in) throws IOException {
        while (true) {
            RespValue value = decodeValue(in);
            if (value != null) {
                return value;
            }
            if (in.readMore() < 0) {
                return endOfStream(in);
            }
        }
    }

    /** TYPE in a reply: consumes the type byte and says which step reads the rest. */
    private Step valueType(RespInput in, Progress p) throws RespProtocolException {
        if (p.depth > limits.maxDepth()) {
            throw new RespProtocolException("nesting deeper than " + limits.maxDepth());
        }
        byte type = in.buffer[in.position++];
        p.type = type;
        switch (type) {
            case '+', '-', '#', ',', '(' -> {
                p.scanned = 0;
                return Step.LINE;
            }
            case ':', '$', '=', '!', '*', '%', '~', '>', '|' -> {
                return Step.NUMBER;
            }
            case '_' -> {
                p.cr = false;
                return Step.CRLF;
            }
            default -> throw new RespProtocolException("unknown type byte '" + printable(type) + "'");
        }
    }

    private static String numberName(byte type) {
        return switch (type) {
            case ':' -> "invalid integer";
            case '$', '=', '!' -> "invalid bulk length";
            default -> "invalid aggregate length";
        };
    }

    /** A number has been read after {@code p.type}: the value it is, or null if more is to come. */
    private RespValue valueLength(RespInput in, Progress p) throws RespProtocolException {
        long n = p.number;
        byte type = p.type;
        if (type == ':') {
            return new RespValue.Integer(n);
        }
        if (type == '$' || type == '=' || type == '!') {
            if (n == -1) {
                if (type == '=') {
                    throw new RespProtocolException("invalid verbatim string");
                }
                return type == '$' ? Replies.NULL : new RespValue.Error("");
            }
            if (n < 0 || n > maxBulkBytes) {
                throw new RespProtocolException("invalid bulk length");
            }
            countMessageBytes(p, n, "reply");
            int size = (int) n;
            int start = in.position;
            if (in.limit - start - 2 >= size) {
                in.position = start + size + 2;
                return bulkValue(type, wholeBulk(in.buffer, start, size));
            }
            p.startBulk(size);
            return null;
        }
        return open(p, n);
    }

    /** An aggregate's header has been read: its value if it is empty, else null (its elements come next). */
    private RespValue open(Progress p, long count) throws RespProtocolException {
        byte type = p.type;
        if (count < 0) {
            if (type == '*') {
                return Replies.NULL_ARRAY;
            }
            count = 0; // a null map, set or push reads as an empty one; a null attribute as none
        }
        int perEntry = type == '%' || type == '|' ? 2 : 1;
        if (count > limits.maxArrayLength() / perEntry) {
            throw new RespProtocolException("aggregate of " + count + " elements is over the limit");
        }
        int elements = (int) count * perEntry;
        if (elements == 0 && type != '|') {
            return aggregate(type, new ArrayList<>(0));
        }
        Aggregate aggregate = p.push(type, elements);
        if (elements == 0) {
            aggregate.attributesRead();
        }
        return null;
    }

    /**
     * A value has been read: the whole reply if it is not inside an aggregate, else null after
     * adding it to the innermost one (and closing those it completes).
     */
    private static RespValue complete(Progress p, RespValue value) {
        while (p.depth > 0) {
            Aggregate top = p.open[p.depth - 1];
            top.elements.add(value);
            if (--top.remaining > 0) {
                return null;
            }
            if (top.type == '|' && top.attributes == null) {
                top.attributesRead();
                return null;
            }
            p.depth--;
            value = top.type == '|' ? new RespValue.Attributed(top.attributes, top.elements.get(0))
                    : aggregate(top.type, top.elements);
            top.elements = null;
            top.attributes = null;
        }
        p.reset();
        return value;
    }

    private static RespValue aggregate(byte type, List<RespValue> elements) {
        return switch (type) {
            case '*' -> new RespValue.Array(elements);
            case '%' -> new RespValue.Map(elements);
            case '~' -> new RespValue.Set(elements);
            default -> new RespValue.Push(elements);
        };
    }

    private static RespValue bulkValue(byte type, byte[] bytes) throws RespProtocolException {
        if (type == '$') {
            return new RespValue.BulkString(bytes);
        }
        if (type == '!') {
            return new RespValue.Error(new String(bytes, StandardCharsets.UTF_8));
        }
        if (bytes.length < 4 || bytes[3] != ':') {
            throw new RespProtocolException("invalid verbatim string");
        }
        // The format is three bytes, whatever they are: one char each (ISO-8859-1), so that it is
        // written back as the same three bytes (as UTF-8, a byte over 0x7F became a 3-byte
        // replacement character and the re-encoded reply lost its ':'; found by ReplyDecoderFuzzTest).
        return new RespValue.Verbatim(new String(bytes, 0, 3, StandardCharsets.ISO_8859_1),
                new String(bytes, 4, bytes.length - 4, StandardCharsets.UTF_8));
    }

    private static RespValue simple(RespInput in, Progress p, int lf) throws RespProtocolException {
        int start = in.position;
        String text = new String(in.buffer, start, lineContentEnd(in.buffer, start, lf) - start, StandardCharsets.UTF_8);
        in.position = lf + 1;
        switch (p.type) {
            case '+':
                return new RespValue.SimpleString(text);
            case '-':
                return new RespValue.Error(text);
            case '#':
                if (!text.equals("t") && !text.equals("f")) {
                    throw new RespProtocolException("invalid boolean '" + text + "'");
                }
                return new RespValue.Boolean(text.equals("t"));
            case ',':
                try {
                    return new RespValue.Double(parseDouble(text));
                }
                catch (NumberFormatException e) {
                    throw new RespProtocolException("invalid double '" + text + "'");
                }
            default:
                if (!text.matches("[-+]?[0-9]+")) {
                    throw new RespProtocolException("invalid big number");
                }
                return new RespValue.BigNumber(text);
        }
    }

    private static double parseDouble(String text) {
        return switch (text) {
            case "inf" -> Double.POSITIVE_INFINITY;
            case "-inf" -> Double.NEGATIVE_INFINITY;
            case "nan" -> Double.NaN;
            default -> Double.parseDouble(text);
        };
    }

    // ---- the steps both grammars share

    /**
     * NUMBER: the digits of a decimal number and the CR LF after them, as they arrive; what had
     * arrived of it before is in {@code p} unless it is {@code fresh}.
     *
     * @return true once the LF has been consumed ({@code p.number} is the value), false if more bytes are needed
     */
    private static boolean number(RespInput in, Progress p, boolean fresh, String invalid)
            throws RespProtocolException {
        byte[] buffer = in.buffer;
        int i = in.position;
        int limit = in.limit;
        long value = fresh ? 0 : p.number;
        boolean negative = !fresh && p.negative;
        int digits = fresh ? 0 : p.digits;
        boolean cr = !fresh && p.cr;
        while (i < limit) {
            byte b = buffer[i++];
            if (b >= '0' && b <= '9' && !cr) {
                int digit = b - '0';
                if (value == 0 && digits > 0) {
                    throw new RespProtocolException(invalid); // a leading zero
                }
                if (digits >= 18) { // 18 digits always fit a long
                    long bound = negative ? Long.MIN_VALUE : -Long.MAX_VALUE;
                    if (value < bound / 10 || value * 10 < bound + digit) {
                        throw new RespProtocolException(invalid);
                    }
                }
                value = value * 10 - digit;
                digits++;
            }
            else if (b == '\r' && !cr && digits > 0 && !(negative && value == 0)) {
                cr = true;
            }
            else if (b == '\n' && cr) {
                in.position = i;
                p.number = negative ? value : -value;
                return true;
            }
            else if (b == '-' && digits == 0 && !negative) {
                negative = true;
            }
            else {
                throw new RespProtocolException(invalid);
            }
        }
        in.position = i;
        p.number = value;
        p.negative = negative;
        p.digits = digits;
        p.cr = cr;
        return false;
    }

    /**
     * LINE: the index of the LF that ends the line at the input's position, or -1 if it has not
     * arrived yet (the line stays in the buffer; the search goes on where it stopped).
     */
    private int lineEnd(RespInput in, Progress p, String tooLong) throws RespProtocolException {
        byte[] buffer = in.buffer;
        int start = in.position;
        int limit = in.limit;
        int max = limits.maxInlineBytes();
        for (int i = start + p.scanned; i < limit; i++) {
            if (buffer[i] == '\n') {
                p.scanned = 0;
                if (lineContentEnd(buffer, start, i) - start > max) {
                    throw new RespProtocolException(tooLong);
                }
                return i;
            }
        }
        p.scanned = limit - start;
        if (p.scanned > max + 1) { // more than max bytes and a CR, and still no LF
            throw new RespProtocolException(tooLong);
        }
        return -1;
    }

    /** Where a line's text ends: before its CR LF, or before a lone LF (inline commands allow one). */
    private static int lineContentEnd(byte[] buffer, int start, int lf) {
        return lf > start && buffer[lf - 1] == '\r' ? lf - 1 : lf;
    }

    /** BULK: takes what has arrived of a bulk string's bytes; true once all have. */
    private static boolean bulk(RespInput in, Progress p) throws RespProtocolException {
        int n = Math.min(p.bulkLength - p.filled, in.limit - in.position);
        if (p.filled + n > p.bulk.length) {
            // Grow with the bytes that really arrive, never from the declared length alone: to
            // GROWTH times what has arrived. Each growth copies what came so far, so a factor of 2
            // copied a 200 MB value once more in all and left as much garbage behind; 8 copies an
            // eighth of it (issue 16, bench/results/2026-12-02-shapes-values.md).
            int grown = (int) Math.min(Math.max(GROWTH * p.bulk.length, p.filled + n), p.bulkLength);
            in.reserve(grown - p.bulk.length);
            p.bulk = Arrays.copyOf(p.bulk, grown);
        }
        System.arraycopy(in.buffer, in.position, p.bulk, p.filled, n);
        in.position += n;
        p.filled += n;
        if (p.filled < p.bulkLength) {
            return false;
        }
        p.cr = false;
        return true;
    }

    /** CRLF: the two bytes after a bulk string's data; true once both have arrived. */
    private static boolean crlf(RespInput in, Progress p) throws RespProtocolException {
        while (in.position < in.limit) {
            byte b = in.buffer[in.position++];
            if (b != (p.cr ? '\n' : '\r')) {
                throw new RespProtocolException("expected CRLF after bulk data");
            }
            if (p.cr) {
                p.cr = false;
                return true;
            }
            p.cr = true;
        }
        return false;
    }

    /** A bulk string whose bytes and CR LF are all buffered at {@code start}: one copy. */
    private static byte[] wholeBulk(byte[] buffer, int start, int size) throws RespProtocolException {
        if (buffer[start + size] != '\r' || buffer[start + size + 1] != '\n') {
            throw new RespProtocolException("expected CRLF after bulk data");
        }
        return Arrays.copyOfRange(buffer, start, start + size);
    }

    private void countMessageBytes(Progress p, long length, String what) throws RespProtocolException {
        p.messageBytes += length;
        if (p.messageBytes > maxMessageBytes) {
            throw new RespProtocolException(what + " larger than " + maxMessageBytes + " bytes");
        }
    }

    /** Keeps the step the call stopped at for the next call: "need more bytes". */
    private static <T> T suspend(Progress p, Step step) {
        p.step = step;
        return null;
    }

    private static <T> T endOfStream(RespInput in) throws EOFException {
        if (in.buffered() == 0 && in.progress.between()) {
            return null;
        }
        throw new EOFException("connection closed in the middle of a value");
    }

    private static String printable(byte b) {
        return b >= 32 && b < 127 ? String.valueOf((char) b) : String.format("\\x%02x", b);
    }
}
