package kv.server.script;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import kv.protocol.resp.Replies;
import kv.protocol.resp.RespValue;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * Redis 7.0's conversions between RESP and Lua ({@code script_lua.c}: {@code redisProtocolToLuaType}
 * and {@code luaReplyToRedisReply}), both ways, for the protocol a script chose with
 * {@code redis.setresp}.
 *
 * <p>RESP to Lua (a {@code redis.call} reply): integer to number, bulk string to string, null to
 * {@code false} (RESP3: {@code nil}), array to table, status to {@code {ok=...}}, error to
 * {@code {err=...}}; with RESP3 also map to {@code {map={...}}}, set to {@code {set={k=true}}},
 * double to {@code {double=n}}, boolean to boolean, big number to {@code {big_number=s}}.
 *
 * <p>Lua to RESP (what a script returns): string to bulk string, number to integer (truncated as
 * C's cast does: NaN and numbers beyond a long become {@code LLONG_MIN} on x86), {@code true} to
 * 1 and {@code false} to null (RESP3 scripts: booleans), a table with a string {@code err} or
 * {@code ok} field to an error or status, a {@code double}, {@code big_number}, {@code map} or
 * {@code set} field to those types, any other table to an array up to its first nil, anything
 * else to null.
 */
public final class LuaReplies {

    static final LuaString ERR = LuaString.valueOf("err");
    static final LuaString OK = LuaString.valueOf("ok");
    static final LuaString DOUBLE = LuaString.valueOf("double");
    static final LuaString MAP = LuaString.valueOf("map");
    static final LuaString SET = LuaString.valueOf("set");
    static final LuaString BIG_NUMBER = LuaString.valueOf("big_number");
    static final LuaString VERBATIM = LuaString.valueOf("verbatim_string");
    static final LuaString FORMAT = LuaString.valueOf("format");
    static final LuaString STRING = LuaString.valueOf("string");

    private LuaReplies() {
    }

    // ---- Lua to RESP

    /** What a script's return value {@code value} becomes as a reply. */
    public static RespValue toResp(LuaValue value, boolean resp3) {
        return toResp(value, resp3, 0);
    }

    private static RespValue toResp(LuaValue value, boolean resp3, int depth) {
        switch (value.type()) {
            case LuaValue.TSTRING:
                return Replies.bulk(bytes(value.checkstring()));
            case LuaValue.TNUMBER:
                return Replies.integer(truncate(value.todouble()));
            case LuaValue.TBOOLEAN:
                if (resp3) {
                    return new RespValue.Boolean(value.toboolean());
                }
                return value.toboolean() ? Replies.ONE : Replies.NULL;
            case LuaValue.TTABLE:
                return tableToResp((LuaTable) value, resp3, depth);
            default:
                return Replies.NULL;
        }
    }

    private static RespValue tableToResp(LuaTable table, boolean resp3, int depth) {
        if (depth > 1000) {
            return Replies.error("ERR reached lua stack limit");
        }
        LuaValue err = table.rawget(ERR);
        if (err.type() == LuaValue.TSTRING) {
            return Replies.error(oneLine(err.tojstring()));
        }
        LuaValue ok = table.rawget(OK);
        if (ok.type() == LuaValue.TSTRING) {
            return new RespValue.SimpleString(oneLine(ok.tojstring()));
        }
        LuaValue dbl = table.rawget(DOUBLE);
        if (dbl.type() == LuaValue.TNUMBER) {
            return new RespValue.Double(dbl.todouble());
        }
        LuaValue big = table.rawget(BIG_NUMBER);
        if (big.type() == LuaValue.TSTRING) {
            return new RespValue.BigNumber(oneLine(big.tojstring()));
        }
        LuaValue map = table.rawget(MAP);
        if (map.istable()) {
            List<RespValue> pairs = new ArrayList<>();
            forEach((LuaTable) map, (k, v) -> {
                pairs.add(toResp(k, resp3, depth + 1));
                pairs.add(toResp(v, resp3, depth + 1));
            });
            return new RespValue.Map(pairs);
        }
        LuaValue set = table.rawget(SET);
        if (set.istable()) {
            List<RespValue> members = new ArrayList<>();
            forEach((LuaTable) set, (k, v) -> members.add(toResp(k, resp3, depth + 1)));
            return new RespValue.Set(members);
        }
        List<RespValue> elements = new ArrayList<>();
        for (int i = 1; ; i++) {
            LuaValue element = table.rawget(i);
            if (element.isnil()) {
                break;
            }
            elements.add(toResp(element, resp3, depth + 1));
        }
        return new RespValue.Array(elements);
    }

    private interface PairConsumer {
        void accept(LuaValue key, LuaValue value);
    }

    private static void forEach(LuaTable table, PairConsumer consumer) {
        LuaValue key = LuaValue.NIL;
        while (true) {
            Varargs next = table.next(key);
            key = next.arg1();
            if (key.isnil()) {
                return;
            }
            consumer.accept(key, next.arg(2));
        }
    }

    /**
     * A Lua number as a C {@code (long long)} cast gives it on x86-64: truncated toward zero;
     * NaN and values beyond the range give {@code LLONG_MIN} (what Redis answers for {@code return 1e20}).
     */
    static long truncate(double number) {
        if (Double.isNaN(number) || number >= 0x1p63 || number < -0x1p63) {
            return Long.MIN_VALUE;
        }
        return (long) number;
    }

    /** Redis writes status and error lines with their CR and LF turned into spaces. */
    static String oneLine(String text) {
        return text.replace('\r', ' ').replace('\n', ' ');
    }

    // ---- RESP to Lua

    /** A command's reply as {@code redis.call} hands it to the script. */
    public static LuaValue toLua(RespValue reply, boolean resp3) {
        if (reply instanceof RespValue.BulkString bulk) {
            return LuaString.valueOf(bulk.bytes());
        }
        if (reply instanceof RespValue.Integer integer) {
            return LuaValue.valueOf((double) integer.value());
        }
        if (reply instanceof RespValue.SimpleString status) {
            return LuaValue.tableOf(new LuaValue[] {OK, LuaValue.valueOf(status.value())});
        }
        if (reply instanceof RespValue.Error error) {
            return errorTable(error.message());
        }
        if (reply instanceof RespValue.Null) {
            return resp3 ? LuaValue.NIL : LuaValue.FALSE;
        }
        if (reply instanceof RespValue.Array array) {
            return listToLua(array.elements(), resp3);
        }
        if (reply instanceof RespValue.StreamedArray streamed) {
            List<RespValue> all = new ArrayList<>();
            streamed.elements().forEach(all::add);
            if (streamed.elements() instanceof AutoCloseable closeable) {
                try {
                    closeable.close();
                }
                catch (Exception ignored) {
                    // released anyway
                }
            }
            return listToLua(all, resp3);
        }
        if (reply instanceof RespValue.Map map) {
            if (!resp3) {
                return listToLua(map.keysAndValues(), false);
            }
            LuaTable inner = new LuaTable();
            List<RespValue> kv = map.keysAndValues();
            for (int i = 0; i + 1 < kv.size(); i += 2) {
                inner.rawset(toLua(kv.get(i), true), toLua(kv.get(i + 1), true));
            }
            return LuaValue.tableOf(new LuaValue[] {MAP, inner});
        }
        if (reply instanceof RespValue.Set set) {
            if (!resp3) {
                return listToLua(set.elements(), false);
            }
            LuaTable inner = new LuaTable();
            for (RespValue member : set.elements()) {
                inner.rawset(toLua(member, true), LuaValue.TRUE);
            }
            return LuaValue.tableOf(new LuaValue[] {SET, inner});
        }
        if (reply instanceof RespValue.Double d) {
            if (!resp3) {
                return LuaValue.valueOf(doubleText(d.value()));
            }
            return LuaValue.tableOf(new LuaValue[] {DOUBLE, LuaValue.valueOf(d.value())});
        }
        if (reply instanceof RespValue.Boolean b) {
            return resp3 ? LuaValue.valueOf(b.value()) : LuaValue.valueOf(b.value() ? 1 : 0);
        }
        if (reply instanceof RespValue.BigNumber big) {
            return resp3 ? LuaValue.tableOf(new LuaValue[] {BIG_NUMBER, LuaValue.valueOf(big.digits())})
                    : LuaValue.valueOf(big.digits());
        }
        if (reply instanceof RespValue.Verbatim verbatim) {
            if (!resp3) {
                return LuaValue.valueOf(verbatim.text());
            }
            LuaTable inner = LuaValue.tableOf(new LuaValue[] {FORMAT, LuaValue.valueOf(verbatim.format()),
                    STRING, LuaValue.valueOf(verbatim.text())});
            return LuaValue.tableOf(new LuaValue[] {VERBATIM, inner});
        }
        if (reply instanceof RespValue.Attributed attributed) {
            return toLua(attributed.value(), resp3);
        }
        return LuaValue.NIL; // a push is never a command's reply
    }

    private static LuaTable listToLua(List<RespValue> elements, boolean resp3) {
        LuaTable table = new LuaTable(elements.size(), 0);
        for (int i = 0; i < elements.size(); i++) {
            table.rawset(i + 1, toLua(elements.get(i), resp3));
        }
        return table;
    }

    /** {@code {err=message}}, the message normalised as Redis's {@code luaPushErrorBuff}: a code first, no trailing newline. */
    static LuaTable errorTable(String message) {
        return LuaValue.tableOf(new LuaValue[] {ERR, LuaValue.valueOf(normalizeError(message))});
    }

    /**
     * Redis's {@code luaPushErrorBuff}: "-CODE msg" loses its dash, a message without a dash gets
     * the code ERR; a leading-dash message without a space becomes "ERR msg"; CR/LF trimmed from the end.
     */
    static String normalizeError(String message) {
        String code;
        String text;
        if (message.startsWith("-")) {
            int space = message.indexOf(' ');
            if (space < 0) {
                code = "ERR";
                text = message.substring(1);
            }
            else {
                code = message.substring(1, space);
                text = message.substring(space + 1);
            }
            return code + " " + trimNewlines(text);
        }
        return trimNewlines(message);
    }

    private static String trimNewlines(String text) {
        int start = 0;
        int end = text.length();
        while (start < end && (text.charAt(start) == '\r' || text.charAt(start) == '\n')) {
            start++;
        }
        while (end > start && (text.charAt(end - 1) == '\r' || text.charAt(end - 1) == '\n')) {
            end--;
        }
        return text.substring(start, end);
    }

    /** A double as Redis writes it in RESP2 ({@code %.17g}, with inf and nan spelt as Redis does). */
    static String doubleText(double value) {
        if (Double.isInfinite(value)) {
            return value > 0 ? "inf" : "-inf";
        }
        if (Double.isNaN(value)) {
            return "nan";
        }
        return CFormat.g(value, 17);
    }

    /** The bytes of a Lua string (Lua strings are byte strings: binary safe). */
    static byte[] bytes(LuaString string) {
        byte[] copy = new byte[string.m_length];
        System.arraycopy(string.m_bytes, string.m_offset, copy, 0, string.m_length);
        return copy;
    }

    /** Lower case in the C locale, for command names. */
    static String lower(String text) {
        return text.toLowerCase(Locale.ROOT);
    }
}
