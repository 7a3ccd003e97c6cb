package kv.client.render;

import java.io.PrintWriter;
import java.io.Writer;

/**
 * Where a command's output goes. It is the {@link PrintWriter} that Spring Shell hands every
 * command in its {@code CommandContext}, with two more things a command needs: a place for
 * errors (one red line) and for notes such as "from the proxy's cache, 0.3 ms". Interactively
 * all three go to the terminal; in one-shot and script mode answers go to stdout and the rest to
 * stderr, so that {@code v=$(kv-client get k)} captures just the value.
 */
public final class Console extends PrintWriter {

    private static final String RED = "\u001b[31m";
    private static final String DIM = "\u001b[2m";
    private static final String BOLD = "\u001b[1m";
    private static final String RESET = "\u001b[0m";

    private final PrintWriter errors;
    private final PrintWriter notes;
    private final boolean color;

    public Console(Writer out, PrintWriter errors, PrintWriter notes, boolean color) {
        super(out, true);
        this.errors = errors;
        this.notes = notes;
        this.color = color;
    }

    /** Everything to one writer: the interactive terminal. */
    public static Console single(PrintWriter out, boolean color) {
        return new Console(out, out, out, color);
    }

    /** The console a command was given, or a plain one around any other writer. */
    public static Console of(PrintWriter writer) {
        return writer instanceof Console console ? console : single(writer, false);
    }

    /** One line for something that went wrong, red where colour is on. */
    public void error(String message) {
        flush();
        errors.println(color ? RED + message + RESET : message);
        errors.flush();
    }

    /** A secondary line: where an answer came from, counts, hints. */
    public void note(String message) {
        flush();
        notes.println(color ? DIM + message + RESET : message);
        notes.flush();
    }

    public String bold(String text) {
        return color ? BOLD + text + RESET : text;
    }
}
