package kv.client.shell;

import kv.client.connection.KvConnection;
import kv.client.connection.ServerInfo;
import kv.client.connection.UnreachableException;
import kv.client.render.Console;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;
import org.springframework.shell.jline.JLineInputProvider;

/**
 * The interactive shell: Spring Shell's JLine input (prompt, history in {@code ~/.kv_history},
 * completion from the command table) feeding the {@link CommandRunner}.
 *
 * <p>Why not Spring Shell's own {@code JLineShellRunner} loop: it prints a second line
 * ("Error while executing command ...") after every failed command, and a Ctrl-C on a half-typed
 * line ends the shell. Here a failure is the command's one red line, Ctrl-C drops the line, and
 * Ctrl-D, {@code exit} or {@code quit} leave.
 */
public class InteractiveShell {

    private final JLineInputProvider input;
    private final CommandRunner runner;
    private final KvConnection connection;

    public InteractiveShell(JLineInputProvider input, CommandRunner runner, KvConnection connection) {
        this.input = input;
        this.runner = runner;
        this.connection = connection;
    }

    public void run() {
        LineReader reader = input.getLineReader();
        Terminal terminal = reader.getTerminal();
        boolean color = !Terminal.TYPE_DUMB.equals(terminal.getType())
                && !Terminal.TYPE_DUMB_COLOR.equals(terminal.getType()) && System.getenv("NO_COLOR") == null;
        Console console = Console.single(terminal.writer(), color);
        greet(console);
        while (true) {
            String line;
            try {
                line = input.readInput();
            }
            catch (UserInterruptException e) {
                continue;
            }
            catch (EndOfFileException e) {
                break;
            }
            if (line == null) {
                break;
            }
            line = line.trim();
            if (line.isEmpty()) {
                continue;
            }
            if (line.equalsIgnoreCase("exit") || line.equalsIgnoreCase("quit")) {
                break;
            }
            runner.run(line, console);
        }
        terminal.flush();
    }

    private void greet(Console console) {
        try {
            ServerInfo server = connection.open();
            console.note("kv-client: connected to " + connection.target() + " (" + server.describe()
                    + "). 'help' lists the commands, Tab completes them, 'exit' leaves.");
        }
        catch (UnreachableException e) {
            console.error(e.getMessage());
            console.note("The shell stays up: each command tries again; 'connect host:port' goes elsewhere.");
        }
    }
}
