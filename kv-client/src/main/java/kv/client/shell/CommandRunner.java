package kv.client.shell;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.List;

import kv.client.command.Outcomes;
import kv.client.command.TakesOptions;
import kv.client.render.Console;
import org.springframework.shell.core.InputReader;
import org.springframework.shell.core.command.Command;
import org.springframework.shell.core.command.CommandContext;
import org.springframework.shell.core.command.CommandRegistry;
import org.springframework.shell.core.command.ExitStatus;
import org.springframework.shell.core.command.ParsedInput;
import org.springframework.stereotype.Component;

/**
 * Runs one command line through Spring Shell's registry, the same way for the interactive shell,
 * one-shot mode, scripts and the tests. A name that is in neither the registry nor the table is
 * sent to kv as it is (as redis-cli does), so the server has the last word on what it knows.
 */
@Component
public class CommandRunner {

    private static final InputReader NO_INPUT = new InputReader() {
    };

    private final KvCommandParser parser;
    private final CommandRegistry registry;
    private final RawCommand raw;

    public CommandRunner(KvCommandParser parser, CommandRegistry registry, RawCommand raw) {
        this.parser = parser;
        this.registry = registry;
        this.raw = raw;
    }

    /** Runs a typed line: words split as redis-cli splits them. */
    public ExitStatus run(String line, Console console) {
        ParsedInput input;
        try {
            input = parser.parse(line);
        }
        catch (IllegalArgumentException e) {
            console.error("cannot read that line: " + e.getMessage());
            return Outcomes.USAGE;
        }
        return run(input, console);
    }

    /** Whether the command named {@code name} has options of its own (see {@link TakesOptions}). */
    public boolean takesOptions(String name) {
        return registry.getCommandByName(name) instanceof TakesOptions;
    }

    /** Runs words the operating system's shell has split already (one-shot mode). */
    public ExitStatus run(List<String> words, Console console) {
        return run(parser.parse(words), console);
    }

    /**
     * Runs each line of a script; blank lines and {@code #} comments are skipped. Every line
     * runs even after a failure, as with {@code redis-cli < file}; the result is the first
     * failure's status, or OK.
     */
    public ExitStatus runScript(BufferedReader lines, Console console) throws IOException {
        ExitStatus result = Outcomes.OK;
        String line;
        while ((line = lines.readLine()) != null) {
            String trimmed = line.trim();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            ExitStatus status = run(trimmed, console);
            if (status.code() != 0 && result.code() == 0) {
                result = status;
            }
        }
        return result;
    }

    private ExitStatus run(ParsedInput input, Console console) {
        Command command = registry.getCommandByName(input.commandName());
        CommandContext context = new CommandContext(input, registry, console, NO_INPUT);
        try {
            return command != null ? command.execute(context) : raw.execute(context);
        }
        catch (Exception e) {
            // A bug of ours, not kv's answer: still one line, no stack trace in the user's face.
            console.error("could not run " + input.commandName() + ": " + e);
            return Outcomes.ERROR_REPLY;
        }
        finally {
            console.flush();
        }
    }
}
