package kv.client;

import java.io.PrintWriter;
import java.io.StringWriter;

import kv.client.render.Console;

/** A console for tests: answers in {@link #out}, errors and notes in {@link #err}, no colour. */
final class ShellOutput {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    final Console console;

    ShellOutput() {
        PrintWriter errors = new PrintWriter(err, true);
        console = new Console(out, errors, errors, false);
    }

    String out() {
        console.flush();
        return out.toString();
    }

    String err() {
        return err.toString();
    }

    void clear() {
        console.flush();
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
    }
}
