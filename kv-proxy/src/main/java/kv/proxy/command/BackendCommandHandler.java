package kv.proxy.command;

import kv.protocol.command.CommandHandler;
import kv.proxy.session.ClientSession;

/**
 * A handler of a command the proxy answers itself ({@code "proxy": "local"}) that still asks the
 * backends (SCAN, RANDOMKEY): it runs on a worker thread, as the keyed commands do, never on an
 * event loop, which may be the thread that has to read the backend's reply.
 */
@FunctionalInterface
public interface BackendCommandHandler extends CommandHandler<ClientSession> {
}
