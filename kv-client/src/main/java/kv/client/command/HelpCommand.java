package kv.client.command;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import kv.client.shell.Console;
import kv.protocol.command.CommandSpec;
import kv.protocol.command.CommandTable;
import org.springframework.shell.core.command.Command;
import org.springframework.shell.core.command.CommandContext;
import org.springframework.shell.core.command.ExitStatus;
import org.springframework.stereotype.Component;

/**
 * {@code help [command]}: every command of the shared command table with its syntax and summary,
 * grouped, then the shell's own commands; or one command in detail.
 */
@Component
public class HelpCommand extends KvCommand {

    /** The shell's own commands that are not Spring beans of ours (Spring Shell's, the loop's). */
    private static final int MAX_USAGE_COLUMN = 32;

    private static final Map<String, String> BUILT_IN = new LinkedHashMap<>();

    static {
        BUILT_IN.put("HISTORY", "Show the commands typed before (kept in ~/.kv_history)");
        BUILT_IN.put("CLEAR", "Clear the screen");
        BUILT_IN.put("EXIT", "Leave the shell (also QUIT, Ctrl-D)");
    }

    public HelpCommand() {
        super("help", "Show the commands, or one command in detail", CommandGroups.SHELL, "HELP [command]");
    }

    @Override
    public ExitStatus execute(CommandContext context) {
        return help(arguments(context), Console.of(context.outputWriter()), context.commandRegistry().getCommands());
    }

    @Override
    protected ExitStatus run(List<String> args, Console console) {
        return help(args, console, Set.of(this));
    }

    private ExitStatus help(List<String> args, Console console, Collection<Command> commands) {
        if (args.isEmpty()) {
            overview(console, commands);
            return Outcomes.OK;
        }
        String name = args.get(0).toLowerCase(Locale.ROOT);
        CommandSpec spec = CommandTable.get(name);
        if (spec != null) {
            // The shell's own command for it, if any, knows its usage best (DUMP's --full).
            String usage = commands.stream().filter(command -> command.getName().equals(name))
                    .map(Command::getHelp).filter(java.util.Objects::nonNull).findFirst()
                    .orElse(CommandGroups.usage(spec));
            console.println(console.bold(usage));
            console.println("  " + spec.summary());
            console.println("  group: " + CommandGroups.of(spec).toLowerCase(Locale.ROOT) + " · arity: " + spec.arity()
                    + " · flags: " + spec.flags().stream().map(f -> f.wireName()).sorted()
                    .reduce((a, b) -> a + ", " + b).orElse("none"));
            return Outcomes.OK;
        }
        for (Command command : commands) {
            if (command.getName().equals(name)) {
                console.println(console.bold(command.getHelp() != null ? command.getHelp() : name));
                console.println("  " + command.getDescription());
                return Outcomes.OK;
            }
        }
        console.error("no command '" + args.get(0) + "'; 'help' lists them");
        return Outcomes.USAGE;
    }

    private void overview(Console console, Collection<Command> commands) {
        Map<String, List<String[]>> groups = new LinkedHashMap<>();
        for (String group : CommandGroups.ordered()) {
            groups.put(group, new ArrayList<>());
        }
        for (CommandSpec spec : CommandTable.all()) {
            groups.computeIfAbsent(CommandGroups.of(spec), group -> new ArrayList<>())
                    .add(new String[] {CommandGroups.usage(spec), spec.summary()});
        }
        groups.values().removeIf(List::isEmpty);
        List<String[]> shell = new ArrayList<>();
        commands.stream()
                .filter(command -> CommandGroups.SHELL.equals(command.getGroup()))
                .sorted(Comparator.comparing(Command::getName))
                .forEach(command -> shell.add(new String[] {command.getHelp(), command.getDescription()}));
        BUILT_IN.forEach((usage, summary) -> shell.add(new String[] {usage, summary}));
        groups.put(CommandGroups.SHELL, shell);

        // One long syntax (CLIENT's) must not push every summary off the screen: past the
        // column, the summary goes on the next line.
        int width = groups.values().stream().flatMap(List::stream).mapToInt(row -> row[0].length())
                .filter(length -> length <= MAX_USAGE_COLUMN).max().orElse(MAX_USAGE_COLUMN);
        groups.forEach((group, rows) -> {
            console.println(console.bold(group));
            for (String[] row : rows) {
                if (row[0].length() > width) {
                    console.println("  " + row[0]);
                    console.println("  " + " ".repeat(width + 2) + row[1]);
                }
                else {
                    console.println("  " + row[0] + " ".repeat(width - row[0].length() + 2) + row[1]);
                }
            }
            console.println();
        });
        console.note("Names in any case; quote values with spaces: PUT greeting \"hello world\". "
                + "'help <command>' for one.");
    }
}
