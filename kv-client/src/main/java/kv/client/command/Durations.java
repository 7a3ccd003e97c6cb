package kv.client.command;

import java.time.Duration;
import java.util.Locale;

/** Round trips as a person reads them: {@code 0.42 ms}, {@code 12 ms}, {@code 1.3 s}. */
final class Durations {

    private Durations() {
    }

    static String format(Duration duration) {
        double millis = duration.toNanos() / 1_000_000.0;
        if (millis < 10) {
            return String.format(Locale.ROOT, "%.2f ms", millis);
        }
        if (millis < 1000) {
            return String.format(Locale.ROOT, "%.0f ms", millis);
        }
        return String.format(Locale.ROOT, "%.1f s", millis / 1000);
    }
}
