package kv.proxy.backend;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import kv.protocol.command.CommandFlag;
import kv.protocol.command.CommandSpec;
import kv.protocol.command.CommandTable;
import kv.protocol.resp.Request;
import kv.protocol.resp.RespValue;

/**
 * What a group may send again to its new leader without risking a write applied twice (see
 * {@link Backend#callAllAsync}).
 */
final class FailoverRetry {

    /** The error a follower answers a write with (Redis's replicas and kv-server's cluster mode alike). */
    static final String READONLY = "READONLY";

    /** Commands without the {@code readonly} flag that change nothing a retry could repeat. */
    private static final Set<String> HARMLESS = Set.of("select", "ping", "echo");

    private FailoverRetry() {
    }

    /** True if a reply is {@code -READONLY ...}: the member is a follower, which refused every write of the batch. */
    static boolean refusedByFollower(List<RespValue> replies) {
        for (RespValue reply : replies) {
            if (reply instanceof RespValue.Error error && error.message().startsWith(READONLY)) {
                return true;
            }
        }
        return false;
    }

    /** True if every request only reads (its spec has the {@code readonly} flag), so sending it twice is harmless. */
    static boolean safeToRepeat(List<Request> requests) {
        for (Request request : requests) {
            CommandSpec spec = request.size() == 0 ? null : CommandTable.lookup(request.arg(0));
            if (spec == null || !(spec.is(CommandFlag.READONLY) || HARMLESS.contains(spec.name()))) {
                return false;
            }
        }
        return true;
    }

    /**
     * True if nothing reached the member: opening the connection failed, or the request was
     * refused before sending (a {@link BackendUnavailableException} without a cause: no leader,
     * or the backend DOWN).
     */
    static boolean neverSent(Throwable error) {
        if (error instanceof BackendUnavailableException unavailable && unavailable.getCause() == null
                && !unavailable.outcomeIsUnknown()) {
            return true;
        }
        for (Throwable cause = error; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof ConnectException || cause instanceof NoRouteToHostException) {
                return true;
            }
        }
        return false;
    }

    static Throwable unwrap(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }
}
