package kv.server.command;

import java.util.concurrent.Callable;
import java.util.concurrent.Executor;

import kv.protocol.command.CommandHandler;
import kv.protocol.resp.RespValue;
import kv.protocol.resp.Request;
import kv.server.session.ClientSession;

/**
 * A command whose work walks every key (DBSIZE, DUMP's count), which would hold up every client
 * of the event loop: {@link #prepare} runs on the loop, in the request's place in its pipeline
 * (it takes a snapshot, so the answer is the one a serial run would give), and the work it
 * returns runs on a background thread. The connection's later requests, pipelined ones included,
 * run only once it has answered (see RespEndpoint's dispatchAll); other clients are served meanwhile.
 */
@FunctionalInterface
public interface BackgroundCommand extends CommandHandler<ClientSession> {

    /** On the event loop: checks the request and takes what the work needs; never blocks for long. */
    Callable<RespValue> prepare(Request request, ClientSession session);

    /** Where the work runs: null for the dispatcher's background thread (scripts have their own). */
    default Executor executor() {
        return null;
    }

    /** Both steps at once, on the calling thread. */
    @Override
    default RespValue handle(Request request, ClientSession session) {
        try {
            return prepare(request, session).call();
        }
        catch (RuntimeException e) {
            throw e;
        }
        catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
