package kv.client.connection;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;

import org.springframework.integration.MessageTimeoutException;

/**
 * kv could not be reached, or stopped answering. Its message is the one line the user sees:
 * {@code cannot reach kv at 127.0.0.1:7380: connection refused}.
 */
public class UnreachableException extends Exception {

    public UnreachableException(Target target, String reason) {
        super("cannot reach kv at " + target + ": " + reason);
    }

    /** Names the cause in a few words; the transport's own exception text is no help to a user. */
    public static UnreachableException of(Target target, Throwable failure, Duration replyTimeout) {
        return new UnreachableException(target, reason(failure, replyTimeout));
    }

    private static String reason(Throwable failure, Duration replyTimeout) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof ConnectException && !(cause instanceof NoRouteToHostException)) {
                return "connection refused";
            }
            if (cause instanceof NoRouteToHostException) {
                return "no route to host";
            }
            if (cause instanceof UnknownHostException) {
                return "unknown host";
            }
            if (cause instanceof SocketTimeoutException) {
                return "connect timed out";
            }
            if (cause instanceof MessageTimeoutException) {
                return "no answer within " + replyTimeout.toMillis() + " ms";
            }
        }
        return "connection lost";
    }
}
