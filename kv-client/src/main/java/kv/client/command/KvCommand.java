package kv.client.command;

import java.util.Comparator;
import java.util.List;

import kv.client.render.Console;
import org.springframework.shell.core.command.Command;
import org.springframework.shell.core.command.CommandArgument;
import org.springframework.shell.core.command.CommandContext;
import org.springframework.shell.core.command.ExitStatus;

/**
 * A Spring Shell command of the kv shell: its words after the name arrive as plain strings
 * (see {@code KvCommandParser}) and it writes to the {@link Console} it is given.
 */
public abstract class KvCommand implements Command {

    private final String name;
    private final String description;
    private final String group;
    private final String usage;

    protected KvCommand(String name, String description, String group, String usage) {
        this.name = name;
        this.description = description;
        this.group = group;
        this.usage = usage;
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public String getDescription() {
        return description;
    }

    @Override
    public String getGroup() {
        return group;
    }

    /** The command as typed, with its arguments: {@code GET key}. */
    @Override
    public String getHelp() {
        return usage;
    }

    @Override
    public ExitStatus execute(CommandContext context) throws Exception {
        return run(arguments(context), Console.of(context.outputWriter()));
    }

    /** The words typed after the command name, in order. */
    protected static List<String> arguments(CommandContext context) {
        return context.parsedInput().arguments().stream()
                .sorted(Comparator.comparingInt(CommandArgument::index))
                .map(CommandArgument::value)
                .toList();
    }

    protected abstract ExitStatus run(List<String> args, Console console) throws Exception;

    protected ExitStatus usageError(Console console) {
        console.error("usage: " + usage);
        return Outcomes.USAGE;
    }
}
