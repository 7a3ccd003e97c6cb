package kv.server.command;

import kv.protocol.resp.RespValue;
import kv.protocol.resp.Request;
import kv.server.tcp.ClientSession;

/** One command's code: reads the request, returns the reply; never touches a socket. */
@FunctionalInterface
public interface CommandHandler {

    RespValue handle(Request request, ClientSession session);
}
