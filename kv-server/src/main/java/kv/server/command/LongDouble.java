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
