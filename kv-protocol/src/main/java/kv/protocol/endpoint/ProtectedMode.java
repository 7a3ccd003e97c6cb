package kv.protocol.endpoint;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.util.function.BooleanSupplier;

/**
 * Redis's protected mode: while the {@code default} user needs no password and the service
 * listens on an address that is not loopback, a connection from any address but 127.0.0.1 and
 * ::1 (the only ones Redis calls local) is told {@link #denied why} and closed.
 *
 * <p>Design note: Redis refuses such connections whatever its bind address; kv applies it only
 * when the bind address is not loopback (a service bound to 127.0.0.1, kv's default, is reachable
 * from this host only anyway), so that local tools and tests on other 127.x addresses keep working.
 */
public final class ProtectedMode {

    private final boolean active;
    private final BooleanSupplier noPassword;
    private final String prefix;

    /**
     * @param enabled the {@code protected-mode} setting
     * @param bind the address the service listens on
     * @param noPassword true while the default user needs no password
     * @param prefix the settings' prefix the text names ({@code kv.server})
     */
    public ProtectedMode(boolean enabled, String bind, BooleanSupplier noPassword, String prefix) {
        this.active = enabled && !loopback(bind);
        this.noPassword = noPassword;
        this.prefix = prefix;
    }

    /** True if the mode can refuse anyone: enabled, on a non-loopback bind address (for the start-up warning). */
    public boolean active() {
        return active;
    }

    /** The error to send to a client on {@code socket} instead of serving it, or null. */
    public String refusal(Socket socket) {
        if (!active || !noPassword.getAsBoolean()) {
            return null;
        }
        InetSocketAddress remote = (InetSocketAddress) socket.getRemoteSocketAddress();
        String host = remote == null ? "" : remote.getAddress().getHostAddress();
        return host.equals("127.0.0.1") || host.equals("0:0:0:0:0:0:0:1") ? null : denied();
    }

    /** Redis's text, naming kv's settings where Redis names its own. */
    String denied() {
        String env = prefix.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_');
        return "DENIED Redis is running in protected mode because protected mode is enabled and no password is set"
                + " for the default user. In this mode connections are only accepted from the loopback interface."
                + " If you want to connect from external computers to Redis you may adopt one of the following"
                + " solutions: 1) Set a password for the default user with " + prefix + ".requirepass (" + env
                + "_REQUIREPASS) or users with " + prefix + ".acl-file, and restart. 2) Alternatively disable the"
                + " protected mode with " + prefix + ".protected-mode=false (" + env + "_PROTECTED_MODE=false),"
                + " however MAKE SURE the service is not publicly accessible from internet if you do so, and restart."
                + " 3) Bind it to the loopback interface (" + prefix + ".bind=127.0.0.1)."
                + " NOTE: You only need to do one of the above things in order for the server to start accepting"
                + " connections from the outside.";
    }

    private static boolean loopback(String bind) {
        try {
            return InetAddress.getByName(bind).isLoopbackAddress();
        }
        catch (UnknownHostException e) {
            return false;
        }
    }
}
