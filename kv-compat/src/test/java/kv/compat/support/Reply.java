package kv.compat.support;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One reply exactly as it came off the wire, read by the judges' own parser rather than kv's
 * codec, so that kv's decoder cannot excuse its encoder. The type byte is kept, so a null bulk
 * string ({@code $-1}), a null array ({@code *-1}) and a RESP3 null ({@code _}) stay different.
 *
 * @param type the RESP type byte: {@code + - : $ * _ , # ( = % ~ >}
 * @param data the payload of a simple type or a bulk string; null for a null bulk string and for aggregates
 * @param elements the elements of an aggregate (a map's keys and values flattened); null for a null array
 */
public record Reply(char type, byte[] data, List<Reply> elements) {

    public static Reply simple(char type, String text) {
        return new Reply(type, text.getBytes(StandardCharsets.UTF_8), null);
    }

    public static Reply bulk(byte[] bytes) {
        return new Reply('$', bytes, null);
    }

    public static Reply array(List<Reply> elements) {
        return new Reply('*', null, elements);
    }

    public boolean isError() {
        return type == '-';
    }

    public boolean isNull() {
        return type == '_' || (type == '$' && data == null) || (type == '*' && elements == null);
    }

    public boolean isAggregate() {
        return "*%~>".indexOf(type) >= 0;
    }

    /** The payload as text (error message, simple string, number, bulk string). */
    public String text() {
        return data == null ? null : new String(data, StandardCharsets.UTF_8);
    }

    public long integer() {
        if (type != ':') {
            throw new IllegalStateException("not an integer reply: " + this);
        }
        return Long.parseLong(text());
    }

    /** The error message without its code ({@code ERR}, {@code WRONGTYPE}...). */
    public String errorCode() {
        String text = text();
        int space = text.indexOf(' ');
        return space < 0 ? text : text.substring(0, space);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Reply that && render().equals(that.render());
    }

    @Override
    public int hashCode() {
        return render().hashCode();
    }

    /** {@link #render()}, with long strings shortened: for reports. */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder();
        render(out, true);
        return out.toString();
    }

    /** An unambiguous one-line form: the type byte, then the payload quoted with non-printables escaped. */
    public String render() {
        StringBuilder out = new StringBuilder();
        render(out, false);
        return out.toString();
    }

    private void render(StringBuilder out, boolean shorten) {
        out.append(type);
        if (isAggregate() || type == '*') {
            if (elements == null) {
                out.append("nil");
                return;
            }
            out.append('[');
            for (int i = 0; i < elements.size(); i++) {
                if (i > 0) {
                    out.append(", ");
                }
                elements.get(i).render(out, shorten);
            }
            out.append(']');
        }
        else if (data == null) {
            out.append(type == '_' ? "" : "nil");
        }
        else if (type == '$' || type == '=') {
            if (shorten) {
                out.append(quoteShort(data));
            }
            else {
                quote(data, out);
            }
        }
        else {
            out.append(new String(data, StandardCharsets.UTF_8));
        }
    }

    /** {@code "text"} with quotes, backslashes and bytes outside printable ASCII escaped as redis-cli does. */
    public static String quote(byte[] bytes) {
        StringBuilder out = new StringBuilder();
        quote(bytes, out);
        return out.toString();
    }

    /** {@link #quote}, the first 40 bytes only of a longer string, and its length. */
    public static String quoteShort(byte[] bytes) {
        if (bytes.length <= 48) {
            return quote(bytes);
        }
        return quote(java.util.Arrays.copyOf(bytes, 40)) + "...(" + bytes.length + " bytes)";
    }

    private static void quote(byte[] bytes, StringBuilder out) {
        out.append('"');
        for (byte b : bytes) {
            int c = b & 0xff;
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\r' -> out.append("\\r");
                case '\n' -> out.append("\\n");
                default -> {
                    if (c < 0x20 || c >= 0x7f) {
                        out.append(String.format("\\x%02x", c));
                    }
                    else {
                        out.append((char) c);
                    }
                }
            }
        }
        out.append('"');
    }
}
