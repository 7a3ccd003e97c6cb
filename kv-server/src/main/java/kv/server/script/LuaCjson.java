package kv.server.script;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaUserdata;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.OneArgFunction;

/**
 * The {@code cjson} library Redis ships (lua-cjson 2.1): {@code cjson.encode}, {@code cjson.decode}
 * and {@code cjson.null}, with lua-cjson's rules: numbers written with 14 significant digits, "/"
 * escaped, an empty table is an object, a table whose keys are 1..n is an array (an excessively
 * sparse one is refused), bytes above 127 pass through unchanged.
 */
final class LuaCjson {

    static final LuaValue NULL = new LuaUserdata(new Object());
    private static final int MAX_DEPTH = 1000;

    private LuaCjson() {
    }

    static LuaTable library() {
        LuaTable cjson = new LuaTable();
        cjson.rawset("null", NULL);
        cjson.rawset("encode", new OneArgFunction() {
            @Override
            public LuaValue call(LuaValue value) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                encode(value, out, 0);
                return LuaString.valueOf(out.toByteArray());
            }
        });
        cjson.rawset("decode", new OneArgFunction() {
            @Override
            public LuaValue call(LuaValue text) {
                Decoder decoder = new Decoder(LuaReplies.bytes(text.checkstring()));
                decoder.skipSpace();
                LuaValue value = decoder.value(0);
                decoder.skipSpace();
                if (decoder.pos < decoder.in.length) {
                    throw decoder.error("the end");
                }
                return value;
            }
        });
        return cjson;
    }

    // ---- encode

    private static void encode(LuaValue value, ByteArrayOutputStream out, int depth) {
        switch (value.type()) {
            case LuaValue.TNIL -> write(out, "null");
            case LuaValue.TBOOLEAN -> write(out, value.toboolean() ? "true" : "false");
            case LuaValue.TNUMBER -> {
                double d = value.todouble();
                if (Double.isNaN(d) || Double.isInfinite(d)) {
                    throw new LuaError("Cannot serialise number: must not be NaN or Inf");
                }
                write(out, CFormat.g(d, 14));
            }
            case LuaValue.TSTRING -> string(LuaReplies.bytes(value.checkstring()), out);
            case LuaValue.TTABLE -> table((LuaTable) value, out, depth + 1);
            case LuaValue.TUSERDATA, LuaValue.TLIGHTUSERDATA -> {
                if (value != NULL) {
                    throw new LuaError("Cannot serialise userdata: type not supported");
                }
                write(out, "null");
            }
            default -> throw new LuaError("Cannot serialise " + value.typename() + ": type not supported");
        }
    }

    private static void table(LuaTable table, ByteArrayOutputStream out, int depth) {
        if (depth > MAX_DEPTH) {
            throw new LuaError("Cannot serialise, excessive nesting (" + depth + ")");
        }
        int max = 0;
        int items = 0;
        boolean array = true;
        LuaValue k = LuaValue.NIL;
        while (true) {
            Varargs n = table.next(k);
            k = n.arg1();
            if (k.isnil()) {
                break;
            }
            items++;
            if (array && k.type() == LuaValue.TNUMBER && k.todouble() >= 1 && k.todouble() == Math.floor(k.todouble())) {
                max = Math.max(max, (int) Math.min(k.todouble(), Integer.MAX_VALUE));
            }
            else {
                array = false;
            }
        }
        if (array && items > 0) {
            if (max > items * 2 && max > 10) {
                throw new LuaError("Cannot serialise table: excessively sparse array");
            }
            out.write('[');
            for (int i = 1; i <= max; i++) {
                if (i > 1) {
                    out.write(',');
                }
                encode(table.rawget(i), out, depth);
            }
            out.write(']');
            return;
        }
        out.write('{');
        boolean first = true;
        k = LuaValue.NIL;
        while (true) {
            Varargs n = table.next(k);
            k = n.arg1();
            if (k.isnil()) {
                break;
            }
            if (!first) {
                out.write(',');
            }
            first = false;
            if (k.type() == LuaValue.TSTRING) {
                string(LuaReplies.bytes(k.checkstring()), out);
            }
            else if (k.type() == LuaValue.TNUMBER) {
                string(CFormat.g(k.todouble(), 14).getBytes(StandardCharsets.US_ASCII), out);
            }
            else {
                throw new LuaError("Cannot serialise table: table key must be a number or string");
            }
            out.write(':');
            encode(n.arg(2), out, depth);
        }
        out.write('}');
    }

    private static void string(byte[] bytes, ByteArrayOutputStream out) {
        out.write('"');
        for (byte b : bytes) {
            int c = b & 0xff;
            switch (c) {
                case '"' -> write(out, "\\\"");
                case '\\' -> write(out, "\\\\");
                case '/' -> write(out, "\\/");
                case '\b' -> write(out, "\\b");
                case '\f' -> write(out, "\\f");
                case '\n' -> write(out, "\\n");
                case '\r' -> write(out, "\\r");
                case '\t' -> write(out, "\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        write(out, String.format("\\u%04x", c));
                    }
                    else {
                        out.write(c);
                    }
                }
            }
        }
        out.write('"');
    }

    private static void write(ByteArrayOutputStream out, String ascii) {
        out.writeBytes(ascii.getBytes(StandardCharsets.US_ASCII));
    }

    // ---- decode

    private static final class Decoder {
        final byte[] in;
        int pos;

        Decoder(byte[] in) {
            this.in = in;
        }

        LuaError error(String expected) {
            String found = pos < in.length ? "'" + (char) in[pos] + "'" : "the end";
            return new LuaError("Expected " + expected + " but found " + found + " at character " + (pos + 1));
        }

        void skipSpace() {
            while (pos < in.length && (in[pos] == ' ' || in[pos] == '\t' || in[pos] == '\n' || in[pos] == '\r')) {
                pos++;
            }
        }

        LuaValue value(int depth) {
            if (depth > MAX_DEPTH) {
                throw new LuaError("Found too many nested data structures (" + depth + ") at character " + (pos + 1));
            }
            if (pos >= in.length) {
                throw error("value");
            }
            byte c = in[pos];
            switch (c) {
                case '{':
                    return object(depth + 1);
                case '[':
                    return array(depth + 1);
                case '"':
                    return LuaString.valueOf(string());
                case 't':
                    return literal("true", LuaValue.TRUE);
                case 'f':
                    return literal("false", LuaValue.FALSE);
                case 'n':
                    return literal("null", NULL);
                default:
                    if (c == '-' || (c >= '0' && c <= '9')) {
                        return number();
                    }
                    throw error("value");
            }
        }

        private LuaValue literal(String word, LuaValue value) {
            byte[] w = word.getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < w.length; i++) {
                if (pos + i >= in.length || in[pos + i] != w[i]) {
                    throw error("value");
                }
            }
            pos += w.length;
            return value;
        }

        private LuaValue number() {
            int start = pos;
            while (pos < in.length && "+-0123456789.eE".indexOf(in[pos]) >= 0) {
                pos++;
            }
            try {
                return LuaValue.valueOf(Double.parseDouble(new String(in, start, pos - start, StandardCharsets.US_ASCII)));
            }
            catch (NumberFormatException e) {
                pos = start;
                throw error("value");
            }
        }

        private LuaValue object(int depth) {
            pos++;
            LuaTable table = new LuaTable();
            skipSpace();
            if (pos < in.length && in[pos] == '}') {
                pos++;
                return table;
            }
            while (true) {
                skipSpace();
                if (pos >= in.length || in[pos] != '"') {
                    throw error("object key string");
                }
                LuaString key = LuaString.valueOf(string());
                skipSpace();
                if (pos >= in.length || in[pos] != ':') {
                    throw error("colon");
                }
                pos++;
                skipSpace();
                table.rawset(key, value(depth));
                skipSpace();
                if (pos < in.length && in[pos] == ',') {
                    pos++;
                    continue;
                }
                if (pos < in.length && in[pos] == '}') {
                    pos++;
                    return table;
                }
                throw error("comma or object end");
            }
        }

        private LuaValue array(int depth) {
            pos++;
            LuaTable table = new LuaTable();
            skipSpace();
            if (pos < in.length && in[pos] == ']') {
                pos++;
                return table;
            }
            for (int i = 1; ; i++) {
                skipSpace();
                table.rawset(i, value(depth));
                skipSpace();
                if (pos < in.length && in[pos] == ',') {
                    pos++;
                    continue;
                }
                if (pos < in.length && in[pos] == ']') {
                    pos++;
                    return table;
                }
                throw error("comma or array end");
            }
        }

        private byte[] string() {
            pos++;
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            while (true) {
                if (pos >= in.length) {
                    throw error("string end");
                }
                byte c = in[pos++];
                if (c == '"') {
                    return out.toByteArray();
                }
                if (c != '\\') {
                    out.write(c);
                    continue;
                }
                if (pos >= in.length) {
                    throw error("escape");
                }
                byte e = in[pos++];
                switch (e) {
                    case 'b' -> out.write('\b');
                    case 'f' -> out.write('\f');
                    case 'n' -> out.write('\n');
                    case 'r' -> out.write('\r');
                    case 't' -> out.write('\t');
                    case 'u' -> {
                        int cp = hex4();
                        if (cp >= 0xD800 && cp <= 0xDBFF && pos + 1 < in.length && in[pos] == '\\' && in[pos + 1] == 'u') {
                            pos += 2;
                            int low = hex4();
                            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                        }
                        out.writeBytes(new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8));
                    }
                    default -> out.write(e);
                }
            }
        }

        private int hex4() {
            if (pos + 4 > in.length) {
                throw error("unicode escape");
            }
            int cp = Integer.parseInt(new String(in, pos, 4, StandardCharsets.US_ASCII), 16);
            pos += 4;
            return cp;
        }
    }
}
