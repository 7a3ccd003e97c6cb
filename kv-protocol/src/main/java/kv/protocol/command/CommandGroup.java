package kv.server.command;

import java.util.Map;

/** A set of command handlers, registered by lower-case name into the dispatcher. */
public interface CommandGroup {

    void register(Map<String, CommandHandler> handlers);
}
