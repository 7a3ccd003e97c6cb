package kv.server.script;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * Lua 5.1's {@code string.format}, which is C's {@code sprintf} one conversion at a time: LuaJ's
 * own ignores the precision of {@code %f} ({@code %5.2f} of 3.14159 gave 3.14159), and rate
 * limiters format their numbers with it. Byte strings throughout.
 */
final class LuaFormat extends VarArgFunction {

    @Override
    public Varargs invoke(Varargs args) {
        byte[] format = LuaReplies.bytes(args.checkstring(1));
        ByteArrayOutputStream out = new ByteArrayOutputStream(format.length + 16);
        int arg = 1;
        for (int i = 0; i < format.length; i++) {
            byte c = format[i];
            if (c != '%') {
                out.write(c);
                continue;
            }
            if (++i >= format.length) {
                throw new LuaError("invalid option '%' to 'format'");
            }
            if (format[i] == '%') {
                out.write('%');
                continue;
            }
            int specStart = i;
            while (i < format.length && "-+ #0".indexOf(format[i]) >= 0) {
                i++;
            }
            if (i - specStart > 5) {
                throw new LuaError("invalid format (repeated flags)");
            }
            String flags = new String(format, specStart, i - specStart, StandardCharsets.US_ASCII);
            int width = -1;
            int digits = 0;
            while (i < format.length && Character.isDigit(format[i])) {
                width = (width < 0 ? 0 : width * 10) + (format[i++] - '0');
                digits++;
            }
            int precision = -1;
            if (i < format.length && format[i] == '.') {
                i++;
                precision = 0;
                int pdigits = 0;
                while (i < format.length && Character.isDigit(format[i])) {
                    precision = precision * 10 + (format[i++] - '0');
                    pdigits++;
                }
                if (pdigits > 2) {
                    throw new LuaError("invalid format (width or precision too long)");
                }
            }
            if (digits > 2) {
                throw new LuaError("invalid format (width or precision too long)");
            }
            if (i >= format.length) {
                throw new LuaError("invalid option '%' to 'format'");
            }
            char conversion = (char) format[i];
            arg++;
            switch (conversion) {
                case 'c' -> out.write((byte) number(args, arg, "format"));
                case 'd', 'i' -> write(out, pad(integer(flags, precision, (long) number(args, arg, "format")), flags, width));
                case 'o', 'u', 'x', 'X' -> {
                    long v = (long) number(args, arg, "format");
                    String text = switch (conversion) {
                        case 'o' -> Long.toOctalString(v);
                        case 'u' -> Long.toUnsignedString(v);
                        case 'x' -> Long.toHexString(v);
                        default -> Long.toHexString(v).toUpperCase(java.util.Locale.ROOT);
                    };
                    if (precision >= 0) {
                        text = "0".repeat(Math.max(0, precision - text.length())) + text;
                    }
                    if (flags.contains("#") && v != 0) {
                        text = (conversion == 'o' ? "0" : conversion == 'x' ? "0x" : conversion == 'X' ? "0X" : "") + text;
                    }
                    write(out, pad(text, flags.replace("+", "").replace(" ", ""), width));
                }
                case 'e', 'E', 'f' -> {
                    double v = number(args, arg, "format");
                    String spec = "%" + flags.replace("#", "") + (width > 0 ? width : "") + "." + (precision < 0 ? 6 : precision)
                            + conversion;
                    write(out, special(v, flags, width, conversion == 'E') != null ? special(v, flags, width, conversion == 'E')
                            : String.format(java.util.Locale.ROOT, spec, v));
                }
                case 'g', 'G' -> {
                    double v = number(args, arg, "format");
                    String s = special(v, flags, width, conversion == 'G');
                    if (s == null) {
                        s = CFormat.g(v, precision < 0 ? 6 : Math.max(precision, 1));
                        if (v >= 0 && flags.contains("+")) {
                            s = "+" + s;
                        }
                        else if (v >= 0 && flags.contains(" ")) {
                            s = " " + s;
                        }
                        s = pad(conversion == 'G' ? s.toUpperCase(java.util.Locale.ROOT) : s, flags, width);
                    }
                    write(out, s);
                }
                case 'q' -> quote(LuaReplies.bytes(args.checkstring(arg)), out);
                case 's' -> {
                    LuaValue value = args.arg(arg);
                    if (args.narg() < arg && value.isnil()) {
                        throw new LuaError("bad argument #" + arg + " to 'format' (string expected, got no value)");
                    }
                    byte[] bytes = value.type() == LuaValue.TNUMBER
                            ? CFormat.g(value.todouble(), 14).getBytes(StandardCharsets.US_ASCII)
                            : LuaReplies.bytes(value.tostring().checkstring());
                    if (precision >= 0 && precision < bytes.length) {
                        bytes = java.util.Arrays.copyOf(bytes, precision);
                    }
                    int fill = Math.max(0, width - bytes.length);
                    if (!flags.contains("-")) {
                        write(out, " ".repeat(fill));
                    }
                    out.writeBytes(bytes);
                    if (flags.contains("-")) {
                        write(out, " ".repeat(fill));
                    }
                }
                default -> throw new LuaError("invalid option '%" + conversion + "' to 'format'");
            }
        }
        return LuaString.valueOf(out.toByteArray());
    }

    private static String special(double v, String flags, int width, boolean upper) {
        if (!Double.isNaN(v) && !Double.isInfinite(v)) {
            return null;
        }
        String s = Double.isNaN(v) ? "nan" : v > 0 ? (flags.contains("+") ? "+inf" : "inf") : "-inf";
        return pad(upper ? s.toUpperCase(java.util.Locale.ROOT) : s, flags.replace("0", ""), width);
    }

    private static String integer(String flags, int precision, long v) {
        String digits = Long.toString(Math.abs(v));
        if (v == Long.MIN_VALUE) {
            digits = "9223372036854775808";
        }
        if (precision >= 0) {
            digits = "0".repeat(Math.max(0, precision - digits.length())) + digits;
        }
        String sign = v < 0 ? "-" : flags.contains("+") ? "+" : flags.contains(" ") ? " " : "";
        return sign + digits;
    }

    /** Pads to {@code width}: left-justified with '-', zeros after the sign with '0', else spaces before. */
    private static String pad(String text, String flags, int width) {
        if (width <= text.length()) {
            return text;
        }
        int fill = width - text.length();
        if (flags.contains("-")) {
            return text + " ".repeat(fill);
        }
        if (flags.contains("0")) {
            int signEnd = !text.isEmpty() && "+- ".indexOf(text.charAt(0)) >= 0 ? 1 : 0;
            if (text.startsWith("0x", signEnd) || text.startsWith("0X", signEnd)) {
                signEnd += 2;
            }
            return text.substring(0, signEnd) + "0".repeat(fill) + text.substring(signEnd);
        }
        return " ".repeat(fill) + text;
    }

    private static double number(Varargs args, int index, String function) {
        LuaValue value = args.arg(index);
        if (!value.isnumber()) {
            throw new LuaError("bad argument #" + index + " to '" + function + "' (number expected, got "
                    + (args.narg() < index ? "no value" : value.typename()) + ")");
        }
        return value.todouble();
    }

    private static void quote(byte[] bytes, ByteArrayOutputStream out) {
        out.write('"');
        for (byte b : bytes) {
            switch (b) {
                case '"', '\\', '\n' -> {
                    out.write('\\');
                    out.write(b);
                }
                case '\r' -> write(out, "\\r");
                case 0 -> write(out, "\\000");
                default -> out.write(b);
            }
        }
        out.write('"');
    }

    private static void write(ByteArrayOutputStream out, String ascii) {
        out.writeBytes(ascii.getBytes(StandardCharsets.ISO_8859_1));
    }
}
