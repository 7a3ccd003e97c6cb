package kv.client.render;

import java.nio.charset.StandardCharsets;
import java.util.List;

import kv.protocol.resp.RespValue;

/**
 * Turns any RESP2/RESP3 reply into the text a person reads, close to what {@code redis-cli}
 * prints so that its users feel at home: a value plainly, {@code (nil)}, {@code (integer) 2},
 * numbered lines for arrays.
 */
public final class ReplyFormatter {

    private ReplyFormatter() {
    }

    public static String format(RespValue value) {
        StringBuilder text = new StringBuilder();
        append(text, value, "");
        return text.toString();
    }

    /** A bulk or simple string's text, or null for anything else. */
    public static String text(RespValue value) {
        if (value instanceof RespValue.BulkString bulk) {
            return new String(bulk.bytes(), StandardCharsets.UTF_8);
        }
        if (value instanceof RespValue.SimpleString simple) {
            return simple.value();
        }
        if (value instanceof RespValue.Verbatim verbatim) {
            return verbatim.text();
        }
        return null;
    }

    private static void append(StringBuilder out, RespValue value, String indent) {
        if (value instanceof RespValue.Attributed attributed) {
            append(out, attributed.value(), indent);
        }
        else if (value instanceof RespValue.Error error) {
            out.append("(error) ").append(error.message());
        }
        else if (value instanceof RespValue.Null) {
            out.append("(nil)");
        }
        else if (value instanceof RespValue.Integer integer) {
            out.append("(integer) ").append(integer.value());
        }
        else if (value instanceof RespValue.Double number) {
            out.append("(double) ").append(number.value());
        }
        else if (value instanceof RespValue.Boolean bool) {
            out.append(bool.value() ? "(true)" : "(false)");
        }
        else if (value instanceof RespValue.BigNumber big) {
            out.append("(big number) ").append(big.digits());
        }
        else if (value instanceof RespValue.Array array) {
            list(out, array.elements(), indent);
        }
        else if (value instanceof RespValue.Set set) {
            list(out, set.elements(), indent);
        }
        else if (value instanceof RespValue.Push push) {
            list(out, push.elements(), indent);
        }
        else if (value instanceof RespValue.Map map) {
            map(out, map.keysAndValues(), indent);
        }
        else {
            String text = text(value);
            out.append(text != null ? text : value.toString());
        }
    }

    private static void list(StringBuilder out, List<RespValue> elements, String indent) {
        if (elements.isEmpty()) {
            out.append("(empty array)");
            return;
        }
        int width = String.valueOf(elements.size()).length();
        for (int i = 0; i < elements.size(); i++) {
            String number = String.format("%" + width + "d) ", i + 1);
            out.append(i == 0 ? "" : "\n" + indent).append(number);
            append(out, elements.get(i), indent + " ".repeat(number.length()));
        }
    }

    private static void map(StringBuilder out, List<RespValue> pairs, String indent) {
        if (pairs.isEmpty()) {
            out.append("(empty map)");
            return;
        }
        for (int i = 0; i + 1 < pairs.size(); i += 2) {
            String key = format(pairs.get(i)) + " => ";
            out.append(i == 0 ? "" : "\n" + indent).append(key);
            append(out, pairs.get(i + 1), indent + " ".repeat(key.length()));
        }
    }
}
