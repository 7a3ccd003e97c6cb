package kv.protocol.command;

import java.util.Map;

/**
 * A set of command handlers, registered by lower-case name into a service's dispatcher, which
 * refuses to start while a spec of the {@link CommandTable} has no handler.
 *
 * @param <S> the service's per-client state handed to every handler
 */
public interface CommandGroup<S> {

    void register(Map<String, CommandHandler<S>> handlers);
}
