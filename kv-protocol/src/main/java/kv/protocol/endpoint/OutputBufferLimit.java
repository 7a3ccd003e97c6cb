package kv.protocol.endpoint;

import java.util.Locale;

/**
 * Redis's {@code client-output-buffer-limit} for one class of clients ({@code pubsub 32mb 8mb 60}):
 * a client whose unsent output reaches {@code hard} bytes is closed at once; one that stays at or
 * over {@code soft} bytes for {@code softSeconds} is closed too. 0 disables a limit.
 *
 * @param hard        bytes at which the client is closed at once (0: none)
 * @param soft        bytes the client may stay over for {@code softSeconds} only (0: none)
 * @param softSeconds how long the soft limit may be exceeded
 */
public record OutputBufferLimit(long hard, long soft, long softSeconds) {

    /** Redis's default for subscribers: {@code 32mb 8mb 60}. */
    public static final OutputBufferLimit PUBSUB_DEFAULT = new OutputBufferLimit(32L << 20, 8L << 20, 60);

    public OutputBufferLimit {
        if (hard < 0 || soft < 0 || softSeconds < 0) {
            throw new IllegalArgumentException("output buffer limits are not negative: " + hard + " " + soft + " "
                    + softSeconds);
        }
    }

    /**
     * Reads Redis's syntax: {@code <hard> <soft> <soft seconds>}, each size a number with an
     * optional unit ({@code 32mb}, {@code 8MB}, {@code 1gb}, {@code 64kb}, {@code 1024}), as
     * {@code client-output-buffer-limit pubsub 32mb 8mb 60} gives it.
     */
    public static OutputBufferLimit parse(String text) {
        String[] words = text.trim().split("\\s+");
        if (words.length != 3) {
            throw new IllegalArgumentException("an output buffer limit is '<hard> <soft> <soft seconds>', e.g. "
                    + "'32mb 8mb 60': got '" + text + "'");
        }
        return new OutputBufferLimit(bytes(words[0]), bytes(words[1]), Long.parseLong(words[2]));
    }

    /** Redis's memory units: k/kb (1000/1024), m/mb, g/gb, or plain bytes. */
    static long bytes(String word) {
        String lower = word.toLowerCase(Locale.ROOT);
        long unit = 1;
        String digits = lower;
        String[][] units = {{"kb", "1024"}, {"mb", "1048576"}, {"gb", "1073741824"}, {"k", "1000"}, {"m", "1000000"},
                {"g", "1000000000"}, {"b", "1"}};
        for (String[] candidate : units) {
            if (lower.endsWith(candidate[0])) {
                unit = Long.parseLong(candidate[1]);
                digits = lower.substring(0, lower.length() - candidate[0].length());
                break;
            }
        }
        try {
            return Math.multiplyExact(Long.parseLong(digits), unit);
        }
        catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("not a size: '" + word + "' (use e.g. 32mb, 8mb, 65536)", e);
        }
    }

    /** As Redis prints it in CONFIG GET: {@code 33554432 8388608 60}. */
    @Override
    public String toString() {
        return hard + " " + soft + " " + softSeconds;
    }

    /** True if {@code bytes} alone are past the hard limit. */
    public boolean hardExceeded(long bytes) {
        return hard > 0 && bytes >= hard;
    }

    /**
     * Whether a client with {@code bytes} unsent must be closed now, given since when (in
     * {@link System#nanoTime} terms, {@link Watch}) it has been over the soft limit.
     */
    public boolean exceeded(long bytes, Watch watch, long nowNanos) {
        if (hardExceeded(bytes)) {
            return true;
        }
        if (soft == 0 || bytes < soft) {
            watch.overSince = Watch.UNDER;
            return false;
        }
        if (watch.overSince == Watch.UNDER) {
            watch.overSince = nowNanos; // the first time over: Redis starts counting, never closes yet
            return false;
        }
        return nowNanos - watch.overSince > softSeconds * 1_000_000_000L;
    }

    /** One client's time over the soft limit (confined to the thread that checks it). */
    public static final class Watch {
        static final long UNDER = Long.MIN_VALUE;
        long overSince = UNDER;
    }
}
