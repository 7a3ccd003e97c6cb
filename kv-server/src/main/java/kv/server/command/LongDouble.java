package kv.server.command;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;

/**
 * INCRBYFLOAT's arithmetic exactly as Redis does it on x86-64: in C's {@code long double} (the
 * x87 80-bit format, a 64-bit mantissa), printed with {@code %.17Lf} and its trailing zeros cut.
 * So {@code 5.6 + 1000} answers {@code 1005.59999999999999998}, as Redis does, not {@code 1005.6}.
 *
 * <p>Design note: every 80-bit value is a binary fraction, so it has an exact decimal form; this
 * class keeps values as {@link BigDecimal}s that are exactly such values: a decimal is rounded
 * to the nearest 64-bit mantissa (half to even, as strtold and the FPU round), a sum is computed
 * exactly and rounded the same way, and the printout rounds the exact value to 17 decimals. The
 * exponent range (to about 1.19e4932) is far beyond any counter; subnormals are not modelled.
 */
final class LongDouble {

    private static final int MANTISSA_BITS = 64;
    /** The largest finite long double, about 1.18973e4932: beyond it Redis answers NaN or Infinity. */
    private static final BigDecimal MAX = new BigDecimal(BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE))
            .multiply(new BigDecimal(BigInteger.TWO.pow(16384 - 64)));

    private LongDouble() {
    }

    /** The long double nearest to {@code decimal}, or null if it overflows the format. */
    static BigDecimal round(BigDecimal decimal) {
        if (decimal.signum() == 0) {
            return BigDecimal.ZERO;
        }
        BigDecimal magnitude = decimal.abs();
        if (magnitude.compareTo(MAX) > 0) {
            return null;
        }
        BigInteger unscaled = magnitude.unscaledValue();
        int scale = magnitude.scale();
        int tenBits = BigInteger.TEN.pow(Math.abs(scale)).bitLength();
        int log2 = unscaled.bitLength() - (scale >= 0 ? tenBits : -tenBits);
        int shift = MANTISSA_BITS - log2; // magnitude * 2^shift has about 64 bits
        for (int attempt = 0; attempt < 8; attempt++) {
            BigInteger mantissa = timesPowerOfTwo(magnitude, shift).setScale(0, RoundingMode.HALF_EVEN)
                    .toBigIntegerExact();
            if (mantissa.bitLength() > MANTISSA_BITS) {
                shift--;
            }
            else if (mantissa.bitLength() < MANTISSA_BITS) {
                shift++;
            }
            else {
                BigDecimal value = timesPowerOfTwo(new BigDecimal(mantissa), -shift);
                if (value.compareTo(MAX) > 0) {
                    return null;
                }
                return decimal.signum() < 0 ? value.negate() : value;
            }
        }
        throw new IllegalStateException("no 64-bit mantissa found for " + decimal);
    }

    /** A whole argument as Redis's string2ld reads it: a finite long double, or an infinity. */
    record Parsed(BigDecimal finite, boolean infinite) {
    }

    /** The longest text string2ld reads ({@code MAX_LONG_DOUBLE_CHARS}). */
    private static final int MAX_CHARS = 5 * 1024;
    /** Beyond these (about 1.19e4932 and the smallest subnormal, 3.6e-4951) strtold sets ERANGE. */
    private static final int MAX_LOG2 = 16384;
    private static final int MIN_LOG2 = -16446;

    /**
     * {@code bytes} read as Redis's string2ld reads a value or an argument, or null when it refuses
     * it: strtold's whole syntax (decimal, C99 hexadecimal such as {@code 0x1.8p1}, {@code inf} and
     * {@code infinity} in any case, a sign), nothing before or after it, not NaN, and neither
     * overflowing nor underflowing to zero (strtold's ERANGE).
     */
    static Parsed parse(byte[] bytes) {
        if (bytes.length == 0 || bytes.length > MAX_CHARS) {
            return null;
        }
        String text = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
        if (text.toLowerCase(java.util.Locale.ROOT).matches("[+-]?inf(inity)?")) {
            return new Parsed(null, true);
        }
        java.util.regex.Matcher hex = HEX.matcher(text);
        BigDecimal exact;
        if (hex.matches()) {
            exact = hexadecimal(hex);
        }
        else if (DECIMAL.matcher(text).matches()) {
            exact = decimal(text);
        }
        else {
            return null;
        }
        if (exact == null) {
            return null;
        }
        BigDecimal rounded = round(exact);
        return rounded == null ? null : new Parsed(rounded, false);
    }

    private static final java.util.regex.Pattern DECIMAL =
            java.util.regex.Pattern.compile("[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?");
    private static final java.util.regex.Pattern HEX = java.util.regex.Pattern
            .compile("([+-]?)0[xX]([0-9a-fA-F]*)(?:\\.([0-9a-fA-F]*))?(?:[pP]([+-]?[0-9]+))?");

    /** A decimal's exact value, or null past the format's range (checked before any large power is taken). */
    private static BigDecimal decimal(String text) {
        BigDecimal value;
        try {
            value = new BigDecimal(text);
        }
        catch (NumberFormatException | ArithmeticException e) {
            return null; // an exponent beyond int: far outside the range
        }
        if (value.signum() == 0) {
            return BigDecimal.ZERO;
        }
        long log10 = (long) value.precision() - value.scale(); // the value is below 10^log10, at least 10^(log10-1)
        if (log10 - 1 > 4933 || log10 < -4951) {
            return null;
        }
        return value;
    }

    /** A hexadecimal float's exact value (mantissa times a power of two), or null past the range. */
    private static BigDecimal hexadecimal(java.util.regex.Matcher hex) {
        String whole = hex.group(2);
        String fraction = hex.group(3) == null ? "" : hex.group(3);
        if (whole.isEmpty() && fraction.isEmpty()) {
            return null; // "0x": strtold reads the 0 and stops at the x
        }
        BigInteger mantissa = new BigInteger(whole + fraction + "0", 16).shiftRight(4);
        if (mantissa.signum() == 0) {
            return BigDecimal.ZERO;
        }
        long exponent;
        String power = hex.group(4);
        if (power == null) {
            exponent = 0;
        }
        else {
            String digits = power.replaceFirst("^[+-]", "");
            exponent = digits.length() > 9 ? Long.MAX_VALUE / 4 : Long.parseLong(digits);
            if (power.startsWith("-")) {
                exponent = -exponent;
            }
        }
        exponent -= 4L * fraction.length();
        long log2 = mantissa.bitLength() + exponent;
        if (log2 - 1 > MAX_LOG2 || log2 < MIN_LOG2) {
            return null;
        }
        BigDecimal value = timesPowerOfTwo(new BigDecimal(mantissa), (int) exponent);
        return hex.group(1).equals("-") ? value.negate() : value;
    }

    /** {@code a + b} in long double (both long doubles already), or null if it overflows. */
    static BigDecimal add(BigDecimal a, BigDecimal b) {
        return round(a.add(b));
    }

    /** As Redis prints it: {@code %.17Lf}, trailing zeros and a trailing dot removed, {@code -0} as {@code 0}. */
    static String format(BigDecimal value) {
        BigDecimal printed = value.setScale(17, RoundingMode.HALF_EVEN).stripTrailingZeros();
        return printed.signum() == 0 ? "0" : printed.toPlainString();
    }

    /** {@code value * 2^power}, exactly. */
    private static BigDecimal timesPowerOfTwo(BigDecimal value, int power) {
        if (power >= 0) {
            return value.multiply(new BigDecimal(BigInteger.ONE.shiftLeft(power)));
        }
        // 2^-n = 5^n / 10^n
        return value.multiply(new BigDecimal(BigInteger.valueOf(5).pow(-power))).movePointLeft(-power);
    }
}
