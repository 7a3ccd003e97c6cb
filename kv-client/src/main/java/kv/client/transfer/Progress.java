package kv.client.transfer;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * The progress of a bulk tool, on stderr: on a terminal one line redrawn in place, a bar with
 * keys, keys/s and the time left; when stderr is piped or a file, a plain line every few
 * seconds ({@code exported 120000 keys (12%), 45000 keys/s, ETA 19 s}), which logs keep
 * readable. The measure of "how far" is the tool's own (keys of a known total, or bytes of
 * the file read); keys and their rate are always shown.
 *
 * <p>Design note: a small class of our own instead of a progress-bar library: the one line
 * needs nothing a library adds, and {@code me.tongfei:progressbar} brings a JLine version of its
 * own beside the one Spring Shell uses.
 */
public final class Progress {

    private static final int WIDTH = 30;

    private final PrintWriter out;
    private final String verb;
    private final boolean terminal;
    private final long intervalNanos;
    private final LongSupplier clock;
    private final long start;
    private long total;
    private long lastShown;
    private boolean drawn;

    /**
     * @param verb what is done to keys, for the lines: "exported", "imported", "migrated"
     * @param terminal true to redraw one line (a terminal), false for plain lines
     * @param total how far the measure goes (0: not known)
     * @param clock nanoseconds ({@code System::nanoTime}; tests pass their own)
     */
    public Progress(PrintWriter out, String verb, boolean terminal, long total, long plainIntervalMillis,
                    LongSupplier clock) {
        this.out = out;
        this.verb = verb;
        this.terminal = terminal;
        this.total = total;
        this.clock = clock;
        this.intervalNanos = (terminal ? 200 : plainIntervalMillis) * 1_000_000L;
        this.start = clock.getAsLong();
        this.lastShown = start;
    }

    /** Whether stderr looks like a terminal (Java tells only whether the process has a console). */
    public static boolean onTerminal() {
        return System.console() != null && System.getenv("TERM") != null && !"dumb".equals(System.getenv("TERM"));
    }

    public void total(long newTotal) {
        total = newTotal;
    }

    /** Shows where it stands if it is time to: {@code done} of the total's measure, {@code keys} so far. */
    public void update(long done, long keys) {
        long now = clock.getAsLong();
        if (now - lastShown < intervalNanos) {
            return;
        }
        lastShown = now;
        show(done, keys, now);
    }

    private void show(long done, long keys, long now) {
        double seconds = Math.max(1e-9, (now - start) / 1e9);
        long rate = (long) (keys / seconds);
        double fraction = total > 0 ? Math.min(1, (double) done / total) : -1;
        String eta = fraction > 0 && fraction < 1 ? "ETA " + duration(seconds / fraction - seconds) : "";
        if (terminal) {
            StringBuilder line = new StringBuilder("\r");
            if (fraction >= 0) {
                int filled = (int) (fraction * WIDTH);
                line.append('[').append("=".repeat(filled)).append(filled < WIDTH ? ">" : "")
                        .append(" ".repeat(Math.max(0, WIDTH - filled - 1))).append("] ")
                        .append(String.format(Locale.ROOT, "%3d%% ", (int) (fraction * 100)));
            }
            line.append(String.format(Locale.ROOT, "%,d keys  %,d keys/s  %s", keys, rate, eta)).append("\u001b[K");
            out.print(line);
            drawn = true;
        }
        else {
            out.println(String.format(Locale.ROOT, "%s %d keys%s, %d keys/s%s", verb, keys,
                    fraction >= 0 ? " (" + (int) (fraction * 100) + "%)" : "", rate, eta.isEmpty() ? "" : ", " + eta));
        }
        out.flush();
    }

    /** Ends the progress display (the summary follows on a line of its own). */
    public void done() {
        if (terminal && drawn) {
            out.print("\r\u001b[K");
            out.flush();
        }
    }

    /** Seconds since the start. */
    public double elapsedSeconds() {
        return (clock.getAsLong() - start) / 1e9;
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s < 60 ? s + " s" : s < 3600 ? (s / 60) + " min " + (s % 60) + " s" : (s / 3600) + " h " + (s % 3600 / 60) + " min";
    }
}
