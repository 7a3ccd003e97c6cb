package kv.client.transfer;

import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;

/**
 * kv's export file format, one key per line (docs/export-format.md):
 * <pre>
 * # kv-export 1
 * 0 string - greeting "hello world"
 * 0 string 1767225600000 session:7 "\x00\x01\xff"
 * 3 hash - user:1 name Sayali city Pune
 * </pre>
 * Each line is the database number, the type ({@code string} or {@code hash}), the absolute
 * expiry time in ms since the epoch ({@code -}: none), the key, then the string's value or the
 * hash's fields and values. Each of those is a word: bare if it is printable ASCII without
 * spaces, quotes or backslashes, else in double quotes with {@code \\ \" \n \r \t \xHH} escapes
 * (redis-cli's own notation), so any bytes survive and the file is still text. Lines starting
 * with {@code #} and empty lines are skipped; the first line must be the header.
 */
public final class ExportFormat {

    /** The first line of every export file. */
    public static final String HEADER = "# kv-export 1";
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private ExportFormat() {
    }

    /** Writes {@code record} as one line, with its newline. */
    public static void write(KeyRecord record, Writer out) throws IOException {
        StringBuilder line = new StringBuilder(64 + (int) Math.min(1 << 20, record.bytes() * 2));
        line.append(record.db()).append(' ').append(record.type().word()).append(' ')
                .append(record.expires() ? Long.toString(record.expireAt()) : "-").append(' ');
        word(record.key(), line);
        for (byte[] part : record.contents()) {
            line.append(' ');
            word(part, line);
        }
        line.append('\n');
        out.append(line);
    }

    /** Appends {@code bytes} as one word: bare where it can be, quoted otherwise. */
    static void word(byte[] bytes, StringBuilder out) {
        boolean bare = bytes.length > 0;
        for (byte b : bytes) {
            if (b <= ' ' || b >= 0x7f || b == '"' || b == '\\' || b == '\'') {
                bare = false;
                break;
            }
        }
        if (bare) {
            for (byte b : bytes) {
                out.append((char) b);
            }
            return;
        }
        out.append('"');
        for (byte b : bytes) {
            switch (b) {
                case '\\' -> out.append("\\\\");
                case '"' -> out.append("\\\"");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (b >= ' ' && b < 0x7f) {
                        out.append((char) b);
                    }
                    else {
                        out.append("\\x").append(HEX[(b >> 4) & 0xf]).append(HEX[b & 0xf]);
                    }
                }
            }
        }
        out.append('"');
    }

    /**
     * Reads one line (without its newline; its chars are bytes, as ISO-8859-1 decodes them).
     *
     * @return the record, or null for a comment or empty line
     * @throws BadLineException saying what is wrong with it
     */
    public static KeyRecord parse(String line) throws BadLineException {
        if (line.isEmpty() || line.charAt(0) == '#') {
            return null;
        }
        List<byte[]> words = words(line);
        if (words.size() < 5) {
            throw new BadLineException("expected: db type expiry key value..., found " + words.size() + " words");
        }
        int db;
        try {
            db = Integer.parseInt(text(words.get(0)));
        }
        catch (NumberFormatException e) {
            throw new BadLineException("the database '" + text(words.get(0)) + "' is not a number");
        }
        if (db < 0) {
            throw new BadLineException("the database " + db + " is negative");
        }
        KeyRecord.Type type = KeyRecord.Type.of(text(words.get(1)));
        if (type == null) {
            throw new BadLineException("the type '" + text(words.get(1)) + "' is neither string nor hash");
        }
        long expireAt = KeyRecord.NO_EXPIRY;
        String expiry = text(words.get(2));
        if (!expiry.equals("-")) {
            try {
                expireAt = Long.parseLong(expiry);
            }
            catch (NumberFormatException e) {
                expireAt = 0;
            }
            if (expireAt <= 0) {
                throw new BadLineException("the expiry time '" + expiry + "' is neither '-' nor a positive number of ms");
            }
        }
        List<byte[]> contents = words.subList(4, words.size());
        if (type == KeyRecord.Type.STRING && contents.size() != 1) {
            throw new BadLineException("a string has one value, found " + contents.size() + " words after the key");
        }
        if (type == KeyRecord.Type.HASH && contents.size() % 2 != 0) {
            throw new BadLineException("a hash's fields each need a value, found " + contents.size() + " words after the key");
        }
        return new KeyRecord(db, type, words.get(3), expireAt, List.copyOf(contents));
    }

    /** Splits a line into words, undoing the quoting {@link #word} does. */
    static List<byte[]> words(String line) throws BadLineException {
        List<byte[]> words = new ArrayList<>();
        java.io.ByteArrayOutputStream current = new java.io.ByteArrayOutputStream();
        int i = 0;
        int n = line.length();
        while (i < n) {
            char c = line.charAt(i);
            if (c == ' ') {
                i++;
                continue;
            }
            current.reset();
            if (c == '"') {
                i++;
                boolean closed = false;
                while (i < n) {
                    char q = line.charAt(i++);
                    if (q == '"') {
                        closed = true;
                        break;
                    }
                    if (q != '\\') {
                        current.write(q);
                        continue;
                    }
                    if (i >= n) {
                        break;
                    }
                    char e = line.charAt(i++);
                    switch (e) {
                        case '\\', '"' -> current.write(e);
                        case 'n' -> current.write('\n');
                        case 'r' -> current.write('\r');
                        case 't' -> current.write('\t');
                        case 'x' -> {
                            int value = i + 2 <= n ? hex(line.charAt(i), line.charAt(i + 1)) : -1;
                            if (value < 0) {
                                throw new BadLineException("'\\x' at column " + (i - 1) + " is not followed by two hex digits");
                            }
                            current.write(value);
                            i += 2;
                        }
                        default -> throw new BadLineException("unknown escape '\\" + e + "' at column " + (i - 1));
                    }
                }
                if (!closed) {
                    throw new BadLineException("a quoted word is not closed");
                }
                if (i < n && line.charAt(i) != ' ') {
                    throw new BadLineException("a closing quote must be followed by a space, at column " + (i + 1));
                }
            }
            else {
                while (i < n && line.charAt(i) != ' ') {
                    char b = line.charAt(i++);
                    if (b == '"' || b == '\\' || b < ' ') {
                        throw new BadLineException("'" + printable(b) + "' inside a bare word at column " + i
                                + " (quote the word)");
                    }
                    current.write(b);
                }
            }
            words.add(current.toByteArray());
        }
        return words;
    }

    private static int hex(char high, char low) {
        int h = Character.digit(high, 16);
        int l = Character.digit(low, 16);
        return h < 0 || l < 0 ? -1 : h * 16 + l;
    }

    private static String printable(char c) {
        return c < ' ' ? String.format("\\x%02x", (int) c) : String.valueOf(c);
    }

    private static String text(byte[] word) {
        return new String(word, java.nio.charset.StandardCharsets.ISO_8859_1);
    }
}
