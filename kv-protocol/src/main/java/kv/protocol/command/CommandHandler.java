package kv.protocol.command;

import kv.protocol.resp.RespValue;
import kv.protocol.resp.Request;

/**
 * One command's code: reads the request, returns the reply; never touches a socket.
 *
 * @param <S> the service's per-client state
 */
@FunctionalInterface
public interface CommandHandler<S> {

    RespValue handle(Request request, S session);
}
