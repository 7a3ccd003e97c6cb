package kv.client.shell;

import java.util.List;
import java.util.Locale;

import kv.protocol.command.CommandTable;
import org.jline.reader.Candidate;
import org.jline.reader.LineReader;
import org.jline.reader.ParsedLine;
import org.springframework.shell.core.command.Command;
import org.springframework.shell.core.command.CommandRegistry;
import org.springframework.shell.jline.CommandCompleter;

/**
 * Tab completion from the command table: the first word completes to a command name (in the
 * case the user started typing, so {@code PU<tab>} gives {@code PUT}), shown with its syntax
 * and summary; after {@code help} it completes command names again.
 */
public class KvCompleter extends CommandCompleter {

    private final CommandRegistry registry;

    public KvCompleter(CommandRegistry registry) {
        super(registry);
        this.registry = registry;
    }

    @Override
    public void complete(LineReader reader, ParsedLine line, List<Candidate> candidates) {
        List<String> words = line.words();
        if (line.wordIndex() == 0) {
            commandNames(line.word(), candidates);
        }
        else if (!words.isEmpty() && words.get(0).equalsIgnoreCase("help") && line.wordIndex() == 1) {
            commandNames(line.word(), candidates);
        }
    }

    private void commandNames(String typed, List<Candidate> candidates) {
        boolean upper = !typed.isEmpty() && Character.isUpperCase(typed.charAt(0));
        for (Command command : registry.getCommandsByPrefix(typed)) {
            String name = upper ? command.getName().toUpperCase(Locale.ROOT) : command.getName();
            String syntax = CommandTable.find(command.getName()).map(spec -> spec.syntax()).orElse("");
            candidates.add(new Candidate(name, name, command.getGroup(),
                    (syntax.isEmpty() ? "" : syntax + " — ") + command.getDescription(), null, null, true));
        }
    }
}
