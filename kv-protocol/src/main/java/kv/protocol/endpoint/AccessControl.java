package kv.protocol.endpoint;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.function.Function;

import kv.protocol.acl.Denial;
import kv.protocol.acl.Permissions;
import kv.protocol.acl.User;
import kv.protocol.acl.Users;
import kv.protocol.command.CommandFlag;
import kv.protocol.command.CommandSpec;
import kv.protocol.resp.Replies;
import kv.protocol.resp.RespValue;
import kv.protocol.resp.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one check every service's dispatcher makes before a command runs, as Redis's
 * {@code processCommand} makes it after the existence and arity checks: {@code -NOAUTH} while a
 * password is required and the client has not authenticated, then the user's permissions for the
 * command, its keys and its channels ({@code -NOPERM}, recorded in ACL LOG). Also authenticates
 * (AUTH, HELLO AUTH) and disconnects the clients of users that are deleted.
 */
public final class AccessControl {

    private static final Logger log = LoggerFactory.getLogger(AccessControl.class);

    public static final RespValue NOAUTH = Replies.error("NOAUTH Authentication required.");
    public static final RespValue WRONGPASS = Replies.error(
            "WRONGPASS invalid username-password pair or user is disabled.");

    private final Users users;
    private final ClientRegistry<? extends Client> clients;
    private volatile ProtectedMode protectedMode;
    private volatile Function<Client, String> clientInfo = client -> "id=" + client.id() + " addr=" + client.address();

    public AccessControl(Users users, ClientRegistry<? extends Client> clients) {
        this.users = users;
        this.clients = clients;
        clients.authRequired(users::authRequired);
    }

    /** Turns on protected mode (see {@link ProtectedMode}); logs why if it may refuse clients. */
    public void protectedMode(boolean enabled, String bind, String prefix) {
        protectedMode = new ProtectedMode(enabled, bind, () -> users.defaultUser().nopass(), prefix);
        if (protectedMode.active() && !users.authRequired()) {
            log.warn("Protected mode: {} binds {} and the default user has no password, so connections from"
                    + " addresses other than 127.0.0.1 and ::1 are refused. Set {}.requirepass or {}.acl-file,"
                    + " or {}.protected-mode=false", prefix, bind, prefix, prefix, prefix);
        }
    }

    /** The error a new connection on {@code socket} gets instead of being served (protected mode), or null. */
    public String refusalAtConnect(java.net.Socket socket) {
        ProtectedMode mode = protectedMode;
        return mode == null ? null : mode.refusal(socket);
    }

    public Users users() {
        return users;
    }

    /** How ACL LOG describes a client (its CLIENT INFO line); set by the service's connection commands. */
    void describeClientsWith(Function<Client, String> clientInfo) {
        this.clientInfo = clientInfo;
    }

    String clientInfo(Client client) {
        return clientInfo.apply(client);
    }

    /**
     * The refusal of {@code request} from {@code client}, or null if it may run.
     *
     * @param spec the command's spec (a container's for a subcommand)
     * @param context ACL LOG's context: {@code toplevel}, {@code multi} (queued) or {@code lua}
     */
    public RespValue refusal(Client client, CommandSpec spec, Request request, String context) {
        if (!client.authenticated() && !spec.is(CommandFlag.NO_AUTH) && users.authRequired()) {
            return NOAUTH;
        }
        Denial denial = denial(client, spec, request);
        if (denial == null) {
            return null;
        }
        record(client, denial, context);
        return Replies.error(denial.error());
    }

    /** True if {@link #refusal} would let {@code request} run (nothing logged): for a service's fast paths. */
    public boolean allows(Client client, CommandSpec spec, Request request) {
        if (!client.authenticated() && !spec.is(CommandFlag.NO_AUTH) && users.authRequired()) {
            return false;
        }
        return denial(client, spec, request) == null;
    }

    /** Why {@code client}'s user may not run {@code request} (no log entry), or null. */
    public Denial denial(Client client, CommandSpec spec, Request request) {
        User user = users.get(client.user());
        if (user == null) {
            return new Denial(Denial.Reason.COMMAND, spec.name()); // deleted: its connection is closing
        }
        return Permissions.check(user, spec, request);
    }

    /** Adds a refusal to ACL LOG. */
    public void record(Client client, Denial denial, String context) {
        users.log().add(denial.reason().logName(), context, denial.object(), client.user(), clientInfo(client));
    }

    /**
     * AUTH and HELLO AUTH: the client runs as {@code username} from now on, or stays as it was
     * and gets {@code -WRONGPASS} (counted, in ACL LOG, and logged without the password).
     *
     * @param command the command's first word as sent ({@code AUTH}, {@code hello}), ACL LOG's object
     * @return null if authenticated, else the error reply
     */
    public RespValue authenticate(Client client, String username, byte[] password, String command, String context) {
        User user = users.authenticate(username, password);
        if (user == null) {
            log.warn("Authentication failed for user '{}' from {}", printable(username), client.address());
            users.log().add(Denial.Reason.AUTH.logName(), context, command, username, clientInfo(client));
            return WRONGPASS;
        }
        client.authenticatedAs(user.name());
        return null;
    }

    /** Closes the connections of clients running as one of {@code names} (ACL DELUSER, ACL LOAD); {@code self} after its reply. */
    public void disconnectUsers(Set<String> names, Client self) {
        for (Client each : clients.all()) {
            if (names.contains(each.user())) {
                if (each == self) {
                    each.requestClose();
                }
                else {
                    each.disconnect();
                }
            }
        }
    }

    /** The connected clients running as {@code user}. */
    java.util.List<Client> clientsOf(String user) {
        java.util.List<Client> of = new java.util.ArrayList<>();
        for (Client each : clients.all()) {
            if (each.user().equals(user)) {
                of.add(each);
            }
        }
        return of;
    }

    private static String printable(String text) {
        StringBuilder safe = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            safe.append(b >= 0x20 && b < 0x7f ? (char) b : '?');
            if (safe.length() > 64) {
                return safe.append("...").toString();
            }
        }
        return safe.toString();
    }
}
