package kv.protocol.resp;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits an inline command line into arguments the way Redis's {@code sdssplitargs} does:
 * words separated by spaces, "double quotes" with backslash escapes ({@code \n}, {@code \x41}),
 * 'single quotes' taken literally but for {@code \'}. A quote opens quoting in the middle of a word
 * too ({@code a"b c"} is {@code ab c}), as in Redis. ACL selectors ({@code (+get ~k)}) are split
 * with it as well, as Redis splits them.
 */
public final class InlineSplitter {

    private InlineSplitter() {
    }

    /** The words of {@code line}, or none if its quotes do not balance (Redis's {@code sdssplitargs} returning NULL). */
    public static List<byte[]> splitOrEmpty(byte[] line) {
        try {
            return split(line, 0, line.length);
        }
        catch (RespProtocolException e) {
            return List.of();
        }
    }

    /** The words of {@code line[from, to)}. */
    static List<byte[]> split(byte[] line, int from, int to) throws RespProtocolException {
        List<byte[]> words = new ArrayList<>();
        int i = from;
        int n = to;
        while (true) {
            while (i < n && isSpace(line[i])) {
                i++;
            }
            if (i >= n) {
                return words;
            }
            ByteArrayOutputStream word = new ByteArrayOutputStream();
            boolean inDouble = false;
            boolean inSingle = false;
            boolean done = false;
            while (!done) {
                if (inDouble) {
                    if (i >= n) {
                        throw new RespProtocolException("unbalanced quotes in request");
                    }
                    byte c = line[i];
                    if (c == '\\' && i + 3 < n && line[i + 1] == 'x' && isHex(line[i + 2]) && isHex(line[i + 3])) {
                        word.write(Character.digit(line[i + 2], 16) * 16 + Character.digit(line[i + 3], 16));
                        i += 3;
                    }
                    else if (c == '\\' && i + 1 < n) {
                        i++;
                        word.write(switch (line[i]) {
                            case 'n' -> '\n';
                            case 'r' -> '\r';
                            case 't' -> '\t';
                            case 'b' -> '\b';
                            case 'a' -> 7;
                            default -> line[i];
                        });
                    }
                    else if (c == '"') {
                        if (i + 1 < n && !isSpace(line[i + 1])) {
                            throw new RespProtocolException("unbalanced quotes in request");
                        }
                        done = true;
                    }
                    else {
                        word.write(c);
                    }
                }
                else if (inSingle) {
                    if (i >= n) {
                        throw new RespProtocolException("unbalanced quotes in request");
                    }
                    byte c = line[i];
                    if (c == '\\' && i + 1 < n && line[i + 1] == '\'') {
                        i++;
                        word.write('\'');
                    }
                    else if (c == '\'') {
                        if (i + 1 < n && !isSpace(line[i + 1])) {
                            throw new RespProtocolException("unbalanced quotes in request");
                        }
                        done = true;
                    }
                    else {
                        word.write(c);
                    }
                }
                else {
                    if (i >= n) {
                        done = true;
                        continue;
                    }
                    byte c = line[i];
                    if (isSpace(c)) {
                        done = true;
                    }
                    else if (c == '"') {
                        inDouble = true;
                    }
                    else if (c == '\'') {
                        inSingle = true;
                    }
                    else {
                        word.write(c);
                    }
                }
                if (i < n) {
                    i++;
                }
            }
            words.add(word.toByteArray());
        }
    }

    private static boolean isSpace(byte c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == 0x0b || c == '\f';
    }

    private static boolean isHex(byte c) {
        return Character.digit(c, 16) >= 0;
    }
}
