package kv.protocol.ops;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import kv.protocol.resp.Request;

/**
 * One line MONITOR streams, byte for byte as Redis 7.0's {@code replicationFeedMonitors} writes
 * it: {@code +1700000000.123456 [0 127.0.0.1:54321] "SET" "k" "v"\r\n}, the time in seconds
 * with microseconds, the database, where the command came from ({@code lua} for a script's
 * {@code redis.call}), and each argument quoted as {@code sdscatrepr} quotes it.
 */
public final class MonitorLine {

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private MonitorLine() {
    }

    /**
     * @param micros the time, in microseconds since the epoch
     * @param db     the database the command ran in
     * @param source the client's address, or {@code lua}
     */
    public static byte[] encode(long micros, int db, String source, Request request) {
        ByteArrayOutputStream line = new ByteArrayOutputStream(64 + 16 * request.size());
        String fraction = Long.toString(1_000_000 + micros % 1_000_000).substring(1); // six digits, leading zeros
        ascii(line, "+" + micros / 1_000_000 + "." + fraction + " [" + db + " " + source + "]");
        for (int i = 0; i < request.size(); i++) {
            line.write(' ');
            quote(line, Redaction.shown(request, i));
        }
        line.write('\r');
        line.write('\n');
        return line.toByteArray();
    }

    /** Redis's {@code sdscatrepr}: in double quotes, with {@code \n \r \t \a \b \" \\} and {@code \xhh} for other unprintables. */
    static void quote(ByteArrayOutputStream out, byte[] bytes) {
        out.write('"');
        for (byte b : bytes) {
            int c = b & 0xff;
            switch (c) {
                case '\\', '"' -> {
                    out.write('\\');
                    out.write(c);
                }
                case '\n' -> escape(out, 'n');
                case '\r' -> escape(out, 'r');
                case '\t' -> escape(out, 't');
                case 7 -> escape(out, 'a');
                case '\b' -> escape(out, 'b');
                default -> {
                    if (c >= 0x20 && c < 0x7f) {
                        out.write(c);
                    }
                    else {
                        out.write('\\');
                        out.write('x');
                        out.write(HEX[c >> 4]);
                        out.write(HEX[c & 0xf]);
                    }
                }
            }
        }
        out.write('"');
    }

    private static void escape(ByteArrayOutputStream out, char letter) {
        out.write('\\');
        out.write(letter);
    }

    private static void ascii(ByteArrayOutputStream out, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        out.write(bytes, 0, bytes.length);
    }
}
