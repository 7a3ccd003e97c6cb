package kv.client.shell;

import java.util.List;
import java.util.Locale;

import org.springframework.shell.core.command.CommandArgument;
import org.springframework.shell.core.command.CommandParser;
import org.springframework.shell.core.command.ParsedInput;

/**
 * Spring Shell's parser for kv lines. The default parser treats words starting with {@code -} as
 * options and matches command names case-sensitively; a key-value shell needs every word after
 * the command kept as typed ({@code PUT temp -5}) and {@code PUT}, {@code put} and {@code Put} to
 * be the same command. So: words split as redis-cli splits them, the name in lower case, every
 * other word a positional argument.
 */
public class KvCommandParser implements CommandParser {

    @Override
    public ParsedInput parse(String input) {
        return parse(ShellWords.split(input));
    }

    /** For words the operating system's shell has already split (one-shot mode). */
    public ParsedInput parse(List<String> words) {
        if (words.isEmpty()) {
            throw new IllegalArgumentException("no command");
        }
        ParsedInput.Builder builder = ParsedInput.builder().commandName(words.get(0).toLowerCase(Locale.ROOT));
        for (int i = 1; i < words.size(); i++) {
            builder.addArgument(new CommandArgument(i - 1, words.get(i)));
        }
        return builder.build();
    }
}
