package kv.proxy.command;

import java.util.Map;

/** A set of related command handlers that registers itself with the {@link ProxyDispatcher}. */
public interface CommandGroup {

    void register(Map<String, CommandHandler> handlers);
}
