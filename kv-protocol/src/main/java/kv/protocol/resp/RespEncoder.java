package kv.protocol.resp;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;

/**
 * Writes RESP values, in RESP2 or RESP3, and requests as multibulk arrays.
 *
 * <p>RESP3-only types are written the way Redis writes them to a RESP2 client: maps and sets
 * as arrays, null as a null bulk, booleans as 0/1, doubles as bulk strings, pushes as arrays,
 * attributes dropped.
 */
public final class RespEncoder {

    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] NULL_BULK = "$-1\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL_ARRAY = "*-1\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL_RESP3 = "_\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] OK = "+OK\r\n".getBytes(StandardCharsets.US_ASCII);

    private RespEncoder() {
    }

    public static void write(RespValue value, int protocol, OutputStream out) throws IOException {
        boolean resp3 = protocol >= 3;
        if (value instanceof RespValue.SimpleString s) {
            if (s == Replies.OK) {
                out.write(OK);
            }
            else {
                line(out, '+', s.value());
            }
        }
        else if (value instanceof RespValue.Error e) {
            line(out, '-', e.message());
        }
        else if (value instanceof RespValue.Integer i) {
            header(out, ':', i.value());
        }
        else if (value instanceof RespValue.BulkString b) {
            bulk(out, b.bytes());
        }
        else if (value instanceof RespValue.Null n) {
            out.write(resp3 ? NULL_RESP3 : n.array() ? NULL_ARRAY : NULL_BULK);
        }
        else if (value instanceof RespValue.Array a) {
            aggregate(out, '*', a.elements(), a.elements().size(), protocol);
        }
        else if (value instanceof RespValue.Map m) {
            aggregate(out, resp3 ? '%' : '*', m.keysAndValues(),
                    resp3 ? m.keysAndValues().size() / 2 : m.keysAndValues().size(), protocol);
        }
        else if (value instanceof RespValue.Set set) {
            aggregate(out, resp3 ? '~' : '*', set.elements(), set.elements().size(), protocol);
        }
        else if (value instanceof RespValue.Push p) {
            aggregate(out, resp3 ? '>' : '*', p.elements(), p.elements().size(), protocol);
        }
        else if (value instanceof RespValue.Sequence sequence) {
            for (RespValue each : sequence.values()) {
                write(each, protocol, out);
            }
        }
        else if (value instanceof RespValue.Double d) {
            String text = formatDouble(d.value());
            if (resp3) {
                line(out, ',', text);
            }
            else {
                bulk(out, text.getBytes(StandardCharsets.US_ASCII));
            }
        }
        else if (value instanceof RespValue.Boolean b) {
            if (resp3) {
                line(out, '#', b.value() ? "t" : "f");
            }
            else {
                header(out, ':', b.value() ? 1 : 0);
            }
        }
        else if (value instanceof RespValue.BigNumber n) {
            if (resp3) {
                line(out, '(', n.digits());
            }
            else {
                bulk(out, n.digits().getBytes(StandardCharsets.US_ASCII));
            }
        }
        else if (value instanceof RespValue.Verbatim v) {
            if (resp3) {
                byte[] format = v.format().getBytes(StandardCharsets.ISO_8859_1); // three bytes, as decoded
                byte[] text = v.text().getBytes(StandardCharsets.UTF_8);
                header(out, '=', format.length + 1 + text.length);
                out.write(format);
                out.write(':');
                out.write(text);
                out.write(CRLF);
            }
            else {
                bulk(out, v.text().getBytes(StandardCharsets.UTF_8));
            }
        }
        else if (value instanceof RespValue.Attributed a) {
            if (resp3) {
                aggregate(out, '|', a.attributes().keysAndValues(), a.attributes().keysAndValues().size() / 2,
                        protocol);
            }
            write(a.value(), protocol, out);
        }
        else if (value instanceof RespValue.StreamedArray s) {
            header(out, '*', s.size());
            Iterator<RespValue> elements = s.elements().iterator();
            try {
                long written = 0;
                while (elements.hasNext()) {
                    write(elements.next(), protocol, out);
                    written++;
                }
                if (written != s.size()) {
                    throw new IllegalStateException("streamed " + written + " elements, declared " + s.size());
                }
            }
            finally {
                if (elements instanceof AutoCloseable closeable) {
                    try {
                        closeable.close();
                    }
                    catch (Exception e) {
                        throw new IOException("closing a streamed reply", e);
                    }
                }
            }
        }
    }

    /** Writes a request as a client sends it: an array of bulk strings. */
    public static void write(Request request, OutputStream out) throws IOException {
        header(out, '*', request.size());
        for (byte[] arg : request.args()) {
            bulk(out, arg);
        }
    }

    private static void aggregate(OutputStream out, char type, List<RespValue> elements, long count, int protocol)
            throws IOException {
        header(out, type, count);
        for (RespValue element : elements) {
            write(element, protocol, out);
        }
    }

    private static void bulk(OutputStream out, byte[] bytes) throws IOException {
        header(out, '$', bytes.length);
        out.write(bytes);
        out.write(CRLF);
    }

    private static void line(OutputStream out, char type, String text) throws IOException {
        out.write(type);
        // A simple string or error must not contain CR or LF: replace them, as Redis does.
        out.write(text.replace('\r', ' ').replace('\n', ' ').getBytes(StandardCharsets.UTF_8));
        out.write(CRLF);
    }

    private static final byte[][] SMALL = new byte[1024][];

    static {
        for (int i = 0; i < SMALL.length; i++) {
            SMALL[i] = Integer.toString(i).getBytes(StandardCharsets.US_ASCII);
        }
    }

    /** The header of an array of {@code size} elements, for a caller that writes the elements itself. */
    public static void arrayHeader(long size, OutputStream out) throws IOException {
        header(out, '*', size);
    }

    private static void header(OutputStream out, char type, long value) throws IOException {
        out.write(type);
        if (value >= 0 && value < SMALL.length) {
            out.write(SMALL[(int) value]);
        }
        else {
            out.write(Long.toString(value).getBytes(StandardCharsets.US_ASCII));
        }
        out.write(CRLF);
    }

    private static String formatDouble(double value) {
        if (Double.isInfinite(value)) {
            return value > 0 ? "inf" : "-inf";
        }
        if (Double.isNaN(value)) {
            return "nan";
        }
        if (value == Math.rint(value) && Math.abs(value) < 1e17) {
            return Long.toString((long) value);
        }
        return Double.toString(value);
    }
}
