package kv.protocol.ops;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

import kv.protocol.resp.Request;

/**
 * Redis's slow log: the last {@code slowlog-max-len} commands that took at least
 * {@code slowlog-log-slower-than} microseconds (-1: none, 0: every command), newest first, each
 * with its id, time, duration, arguments (at most 32, each at most 128 bytes, as Redis cuts
 * them), client address and name. Safe from any thread; the check a fast command pays is one
 * volatile read ({@link #logs}). kv-server and kv-proxy each keep one; a dashboard may read
 * {@link #entries} (the newest first).
 */
public final class SlowLog {

    /** Redis's {@code SLOWLOG_ENTRY_MAX_ARGC}. */
    static final int MAX_ARGS = 32;
    /** Redis's {@code SLOWLOG_ENTRY_MAX_STRING}. */
    static final int MAX_ARG_BYTES = 128;

    /**
     * One logged command.
     *
     * @param id       unique, growing from 0 (kept across SLOWLOG RESET, as Redis does)
     * @param time     unix time in seconds when it was logged
     * @param micros   how long it ran
     * @param args     its arguments as logged (cut, redacted)
     * @param address  the client's {@code ip:port}
     * @param name     the client's name, or empty
     */
    public record Entry(long id, long time, long micros, List<byte[]> args, String address, String name) {
    }

    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    private volatile long slowerThanMicros;
    private volatile int maxLength;
    private long nextId;

    /** @param slowerThanMicros {@code slowlog-log-slower-than}; @param maxLength {@code slowlog-max-len} */
    public SlowLog(long slowerThanMicros, int maxLength) {
        this.slowerThanMicros = slowerThanMicros;
        this.maxLength = maxLength;
    }

    /** Redis's defaults: 10000 µs, 128 entries. */
    public SlowLog() {
        this(10_000, 128);
    }

    public long slowerThanMicros() {
        return slowerThanMicros;
    }

    public void slowerThanMicros(long micros) {
        this.slowerThanMicros = micros;
    }

    public int maxLength() {
        return maxLength;
    }

    /** A shorter log drops its oldest entries at once, as Redis's CONFIG SET does. */
    public synchronized void maxLength(int length) {
        this.maxLength = length;
        while (entries.size() > length) {
            entries.removeLast();
        }
    }

    /** True if a command of {@code micros} is to be logged. */
    public boolean logs(long micros) {
        long threshold = slowerThanMicros;
        return threshold >= 0 && micros >= threshold;
    }

    /** Logs {@code request} if it took long enough ({@link #logs}). */
    public void record(Request request, long micros, String address, String name) {
        if (!logs(micros)) {
            return;
        }
        List<byte[]> args = arguments(request);
        long now = System.currentTimeMillis() / 1000;
        synchronized (this) {
            entries.addFirst(new Entry(nextId++, now, micros, args, address, name)); // an id even with max-len 0, as Redis
            while (entries.size() > maxLength) {
                entries.removeLast();
            }
        }
    }

    /** The arguments as Redis logs them: the 32nd says how many more there were; long ones are cut. */
    static List<byte[]> arguments(Request request) {
        int argc = request.size();
        int kept = Math.min(argc, MAX_ARGS);
        List<byte[]> args = new ArrayList<>(kept);
        for (int i = 0; i < kept; i++) {
            if (kept < argc && i == kept - 1) {
                args.add(ascii("... (" + (argc - kept + 1) + " more arguments)"));
                break;
            }
            byte[] arg = Redaction.shown(request, i);
            if (arg.length > MAX_ARG_BYTES) {
                byte[] more = ascii("... (" + (arg.length - MAX_ARG_BYTES) + " more bytes)");
                byte[] cut = Arrays.copyOf(arg, MAX_ARG_BYTES + more.length);
                System.arraycopy(more, 0, cut, MAX_ARG_BYTES, more.length);
                arg = cut;
            }
            else {
                arg = arg.clone();
            }
            args.add(arg);
        }
        return args;
    }

    /** The newest {@code count} entries, newest first ({@code count < 0}: all). */
    public synchronized List<Entry> entries(long count) {
        List<Entry> newest = new ArrayList<>();
        Iterator<Entry> each = entries.iterator();
        while (each.hasNext() && (count < 0 || newest.size() < count)) {
            newest.add(each.next());
        }
        return newest;
    }

    public synchronized int length() {
        return entries.size();
    }

    public synchronized void reset() {
        entries.clear();
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
