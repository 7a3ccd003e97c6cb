package kv.proxy.command;

import kv.protocol.resp.RespValue;
import kv.protocol.resp.Request;
import kv.proxy.tcp.ClientSession;

/** Answers one command for one client; may call backends, never writes to a socket. */
@FunctionalInterface
public interface CommandHandler {

    RespValue handle(Request request, ClientSession session);
}
