package kv.server.script;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/** C's {@code printf("%.Ng")}, which Lua 5.1 uses to turn numbers into strings ({@code %.14g}). */
final class CFormat {

    private CFormat() {
    }

    /** {@code value} formatted as C's {@code %.<precision>g}: the shorter of fixed and exponent forms, trailing zeros dropped. */
    static String g(double value, int precision) {
        if (Double.isNaN(value)) {
            return value != value ? "nan" : "-nan";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "inf" : "-inf";
        }
        if (value == 0) {
            return 1 / value < 0 ? "-0" : "0";
        }
        BigDecimal rounded = new BigDecimal(value).round(new MathContext(precision, RoundingMode.HALF_EVEN));
        int exponent = rounded.precision() - rounded.scale() - 1;
        if (exponent < -4 || exponent >= precision) {
            BigDecimal mantissa = rounded.movePointLeft(exponent);
            String digits = stripZeros(mantissa.toPlainString());
            String sign = exponent < 0 ? "-" : "+";
            int abs = Math.abs(exponent);
            return digits + "e" + sign + (abs < 10 ? "0" : "") + abs;
        }
        return stripZeros(rounded.toPlainString());
    }

    private static String stripZeros(String text) {
        if (text.indexOf('.') < 0) {
            return text;
        }
        int end = text.length();
        while (text.charAt(end - 1) == '0') {
            end--;
        }
        if (text.charAt(end - 1) == '.') {
            end--;
        }
        return text.substring(0, end);
    }
}
