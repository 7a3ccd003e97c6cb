package kv.client.shell;

import java.util.List;
import java.util.Locale;
import java.util.function.Function;

import kv.protocol.command.CommandSpec;
import kv.protocol.command.CommandTable;
import org.springframework.shell.core.command.Command;
import org.springframework.shell.core.command.CommandRegistry;

/**
 * Spring Shell's registry of commands, filled from the shared command table: the command beans
 * (PUT, GET, DUMP... with their own display), then one pass-through command for every other
 * entry of the table (SET, MGET, DBSIZE...). Names match in any case.
 *
 * <p>Replacing Spring Shell's default registry also skips its class-path scan for
 * {@code @Command} methods, which one-shot start-up would pay for nothing.
 */
public class KvCommandRegistry extends CommandRegistry {

    private final Function<CommandSpec, Command> passThrough;

    public KvCommandRegistry(Function<CommandSpec, Command> passThrough) {
        this.passThrough = passThrough;
    }

    @Override
    public void afterSingletonsInstantiated() {
        super.afterSingletonsInstantiated();
        for (CommandSpec spec : CommandTable.all()) {
            if (super.getCommandByName(spec.name()) == null) {
                registerCommand(passThrough.apply(spec));
            }
        }
    }

    /** The command named by the first word of {@code name}, in any case; null if none. */
    @Override
    public Command getCommandByName(String name) {
        String first = name.trim().split("\\s+", 2)[0].toLowerCase(Locale.ROOT);
        return super.getCommandByName(first);
    }

    @Override
    public Command getCommandByAlias(String name) {
        return super.getCommandByAlias(name.toLowerCase(Locale.ROOT));
    }

    @Override
    public List<Command> getCommandsByPrefix(String prefix) {
        return super.getCommandsByPrefix(prefix.toLowerCase(Locale.ROOT));
    }
}
