package kv.client.render;

import java.util.List;

/**
 * DUMP's pairs as an aligned two-column table with a count, values longer than
 * {@code valueWidth} cut with an ellipsis (0 keeps them whole).
 */
public final class DumpTable {

    /** One stored pair, as text. */
    public record Pair(String key, String value) {
    }

    private DumpTable() {
    }

    /** @return the table's lines, header first; the caller prints the count and any hint */
    public static List<String> lines(List<Pair> pairs, int valueWidth) {
        int keyWidth = "KEY".length();
        for (Pair pair : pairs) {
            keyWidth = Math.max(keyWidth, printable(pair.key()).length());
        }
        List<String> lines = new java.util.ArrayList<>(pairs.size() + 1);
        lines.add(pad("KEY", keyWidth) + "  VALUE");
        for (Pair pair : pairs) {
            lines.add(pad(printable(pair.key()), keyWidth) + "  " + cut(printable(pair.value()), valueWidth));
        }
        return lines;
    }

    /** True if any value would be cut at {@code valueWidth}. */
    public static boolean anyCut(List<Pair> pairs, int valueWidth) {
        return valueWidth > 0 && pairs.stream().anyMatch(pair -> printable(pair.value()).length() > valueWidth);
    }

    static String cut(String value, int width) {
        if (width <= 0 || value.length() <= width) {
            return value;
        }
        return value.substring(0, Math.max(0, width - 1)) + "…";
    }

    /** Line breaks and tabs would break the table's alignment: show them escaped. */
    static String printable(String text) {
        return text.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t");
    }

    private static String pad(String text, int width) {
        return text + " ".repeat(Math.max(0, width - text.length()));
    }
}
