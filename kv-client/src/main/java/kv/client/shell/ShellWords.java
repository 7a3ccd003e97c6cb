package kv.client.shell;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a typed line into words the way {@code redis-cli} does: spaces separate words,
 * {@code "double quotes"} keep spaces and understand {@code \n}, {@code \"} and {@code \x41},
 * {@code 'single quotes'} are literal but for {@code \'}. So {@code PUT greeting "hello world"}
 * is three words.
 */
public final class ShellWords {

    private ShellWords() {
    }

    /** @throws IllegalArgumentException on an unbalanced quote */
    public static List<String> split(String line) {
        List<String> words = new ArrayList<>();
        int i = 0;
        int n = line.length();
        while (true) {
            while (i < n && Character.isWhitespace(line.charAt(i))) {
                i++;
            }
            if (i >= n) {
                return words;
            }
            StringBuilder word = new StringBuilder();
            char first = line.charAt(i);
            if (first == '"') {
                i = doubleQuoted(line, i + 1, word);
            }
            else if (first == '\'') {
                i = singleQuoted(line, i + 1, word);
            }
            else {
                while (i < n && !Character.isWhitespace(line.charAt(i))) {
                    word.append(line.charAt(i++));
                }
            }
            words.add(word.toString());
        }
    }

    private static int doubleQuoted(String line, int i, StringBuilder word) {
        int n = line.length();
        while (i < n) {
            char c = line.charAt(i);
            if (c == '\\' && i + 3 < n && line.charAt(i + 1) == 'x' && isHex(line.charAt(i + 2))
                    && isHex(line.charAt(i + 3))) {
                word.append((char) Integer.parseInt(line.substring(i + 2, i + 4), 16));
                i += 4;
            }
            else if (c == '\\' && i + 1 < n) {
                char escaped = line.charAt(i + 1);
                word.append(escaped == 'n' ? '\n' : escaped == 'r' ? '\r' : escaped == 't' ? '\t' : escaped);
                i += 2;
            }
            else if (c == '"') {
                return closeQuote(line, i);
            }
            else {
                word.append(c);
                i++;
            }
        }
        throw new IllegalArgumentException("unbalanced quotes");
    }

    private static int singleQuoted(String line, int i, StringBuilder word) {
        int n = line.length();
        while (i < n) {
            char c = line.charAt(i);
            if (c == '\\' && i + 1 < n && line.charAt(i + 1) == '\'') {
                word.append('\'');
                i += 2;
            }
            else if (c == '\'') {
                return closeQuote(line, i);
            }
            else {
                word.append(c);
                i++;
            }
        }
        throw new IllegalArgumentException("unbalanced quotes");
    }

    /** A closing quote must end the word, as in redis-cli: {@code "a"b} is a mistake. */
    private static int closeQuote(String line, int quote) {
        int next = quote + 1;
        if (next < line.length() && !Character.isWhitespace(line.charAt(next))) {
            throw new IllegalArgumentException("closing quote must be followed by a space");
        }
        return next;
    }

    private static boolean isHex(char c) {
        return Character.digit(c, 16) >= 0;
    }
}
