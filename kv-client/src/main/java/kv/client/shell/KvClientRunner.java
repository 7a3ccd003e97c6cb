package kv.client.shell;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

import kv.client.command.Outcomes;
import kv.client.render.Console;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.ExitCodeGenerator;
import org.springframework.shell.core.command.ExitStatus;
import org.springframework.stereotype.Component;

/**
 * Chooses the mode from the command line, in place of Spring Shell's default runner:
 * <ul>
 * <li>no words and a terminal: the interactive shell;</li>
 * <li>{@code -f file} or {@code @file}, or no words with stdin redirected: a script;</li>
 * <li>otherwise the words are one command ({@code get Fname}), run once.</li>
 * </ul>
 * Spring Boot's own {@code --name=value} arguments are settings and never part of a command.
 * The exit code is the command's (see {@link Outcomes}).
 */
@Component
public class KvClientRunner implements ApplicationRunner, ExitCodeGenerator {

    private final CommandRunner runner;
    private final ObjectProvider<InteractiveShell> interactiveShell;
    private final boolean enabled;
    private int exitCode;

    /**
     * @param enabled false (property {@code kv.client.runner.enabled}) when the client's
     *     beans are used without running a command at start-up: in tests, or embedded
     */
    public KvClientRunner(CommandRunner runner, ObjectProvider<InteractiveShell> interactiveShell,
                          @Value("${kv.client.runner.enabled:true}") boolean enabled) {
        this.runner = runner;
        this.interactiveShell = interactiveShell;
        this.enabled = enabled;
    }

    @Override
    public void run(ApplicationArguments arguments) throws IOException {
        if (!enabled) {
            return;
        }
        List<String> words = commandWords(arguments);
        if (words.isEmpty() && System.console() != null) {
            interactiveShell.getObject().run();
            exitCode = 0;
            return;
        }
        exitCode = run(words, standardConsole(), new BufferedReader(new InputStreamReader(System.in,
                StandardCharsets.UTF_8)));
    }

    /**
     * The command's words: Spring Boot's non-option arguments, or for a command with options of
     * its own ({@code export --match 'user:*' users.kv}) the arguments as given from its name on,
     * less the settings among them ({@code --kv.client.port=7379}, whose name has a dot).
     */
    private List<String> commandWords(ApplicationArguments arguments) {
        List<String> words = arguments.getNonOptionArgs();
        if (words.isEmpty() || !runner.takesOptions(words.get(0))) {
            return words;
        }
        List<String> source = List.of(arguments.getSourceArgs());
        return source.subList(source.indexOf(words.get(0)), source.size()).stream()
                .filter(word -> !(word.startsWith("--") && word.substring(2).split("=", 2)[0].contains(".")))
                .toList();
    }

    /** One-shot or script mode, with the streams given: what {@code main} does without a terminal. */
    public int run(List<String> words, Console console, BufferedReader stdin) throws IOException {
        ExitStatus status;
        if (words.isEmpty() || words.equals(List.of("-"))) {
            status = runner.runScript(stdin, console);
        }
        else if (words.get(0).equals("-f") || words.get(0).startsWith("@")) {
            String file = words.get(0).startsWith("@") ? words.get(0).substring(1)
                    : words.size() > 1 ? words.get(1) : "";
            status = runScript(file, console, stdin);
        }
        else {
            status = runner.run(words, console);
        }
        console.flush();
        return status.code();
    }

    private ExitStatus runScript(String file, Console console, BufferedReader stdin) throws IOException {
        if (file.isEmpty()) {
            console.error("usage: kv-client -f <file>  (or @file; '-' reads stdin)");
            return Outcomes.USAGE;
        }
        if (file.equals("-")) {
            return runner.runScript(stdin, console);
        }
        try (BufferedReader lines = Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8)) {
            return runner.runScript(lines, console);
        }
        catch (NoSuchFileException e) {
            console.error("no such script: " + file);
            return Outcomes.USAGE;
        }
    }

    private static Console standardConsole() {
        boolean color = System.console() != null && System.getenv("NO_COLOR") == null;
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        return new Console(new PrintWriter(System.out, false, StandardCharsets.UTF_8), err, err, color);
    }

    @Override
    public int getExitCode() {
        return exitCode;
    }
}
