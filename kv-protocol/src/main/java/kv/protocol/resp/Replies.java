package kv.protocol.resp;

import java.util.List;

/** Canned replies and the common errors, in one place, worded as Redis words them. */
public final class Replies {

    public static final RespValue OK = new RespValue.SimpleString("OK");
    public static final RespValue PONG = new RespValue.SimpleString("PONG");
    public static final RespValue NULL = new RespValue.Null();
    /** {@code *-1} in RESP2 ({@code _} in RESP3). */
    public static final RespValue NULL_ARRAY = new RespValue.Null(true);
    public static final RespValue ZERO = new RespValue.Integer(0);
    public static final RespValue ONE = new RespValue.Integer(1);
    public static final RespValue EMPTY_ARRAY = new RespValue.Array(List.of());
    public static final RespValue EMPTY_MAP = new RespValue.Map(List.of());
    public static final RespValue SYNTAX_ERROR = error("ERR syntax error");

    private Replies() {
    }

    public static RespValue error(String message) {
        return new RespValue.Error(message);
    }

    public static RespValue integer(long value) {
        return value == 0 ? ZERO : value == 1 ? ONE : new RespValue.Integer(value);
    }

    public static RespValue bulk(byte[] bytes) {
        return bytes == null ? NULL : new RespValue.BulkString(bytes);
    }

    public static RespValue bulk(String text) {
        return text == null ? NULL : RespValue.BulkString.of(text);
    }

    public static RespValue unknownCommand(String name) {
        return error("ERR unknown command '" + name + "'");
    }

    public static RespValue wrongArity(String name) {
        return error("ERR wrong number of arguments for '" + name + "' command");
    }

    public static RespValue protocolError(String detail) {
        return error("ERR Protocol error: " + detail);
    }

    /** A HELP subcommand's answer, as Redis writes it: one simple string per line. */
    public static RespValue help(String... lines) {
        List<RespValue> reply = new java.util.ArrayList<>(lines.length);
        for (String line : lines) {
            reply.add(new RespValue.SimpleString(line));
        }
        return new RespValue.Array(reply);
    }
}
