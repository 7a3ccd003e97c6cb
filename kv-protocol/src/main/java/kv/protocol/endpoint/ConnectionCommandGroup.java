package kv.protocol.endpoint;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import kv.protocol.command.CommandGroup;
import kv.protocol.command.CommandHandler;
import kv.protocol.command.CommandIntrospection;
import kv.protocol.command.CommandSpec;
import kv.protocol.command.Hello;
import kv.protocol.resp.Replies;
import kv.protocol.resp.RespValue;
import kv.protocol.resp.Request;

/**
 * The commands every kv service answers alike about the client's connection and itself: PING,
 * ECHO, QUIT, HELLO, RESET, TIME, COMMAND, and CLIENT ID, GETNAME, SETNAME, SETINFO, INFO, LIST,
 * KILL, REPLY and NO-EVICT. A service extends it with its own CLIENT subcommands
 * ({@link #client}), its own state in CLIENT LIST ({@link #flags}, {@link #db},
 * {@link #redirect}, {@link #describe}) and RESET ({@link #reset(Client)}), and its own commands (SELECT).
 *
 * @param <C> the service's client state
 */
public abstract class ConnectionCommandGroup<C extends Client> implements CommandGroup<C> {

    private final String server;
    private final ClientRegistry<C> clients;
    private final Collection<CommandSpec> commands;
    private final AccessControl access;
    private final AclCommands acl;

    /**
     * @param server what HELLO names as the server
     * @param clients the connected clients, for CLIENT LIST
     * @param commands the commands the service answers, for COMMAND
     * @param access the service's users, for AUTH, HELLO AUTH and ACL
     */
    @SuppressWarnings("unchecked")
    protected ConnectionCommandGroup(String server, ClientRegistry<C> clients, Collection<CommandSpec> commands,
                                     AccessControl access) {
        this.server = server;
        this.clients = clients;
        this.commands = commands;
        this.access = access;
        this.acl = new AclCommands(access);
        access.describeClientsWith(client -> line((C) client));
    }

    @Override
    public void register(Map<String, CommandHandler<C>> handlers) {
        handlers.put("ping", this::ping);
        handlers.put("echo", (request, client) -> Replies.bulk(request.arg(1)));
        handlers.put("quit", (request, client) -> {
            client.requestClose();
            return Replies.OK;
        });
        handlers.put("hello", this::hello);
        handlers.put("time", (request, client) -> time());
        handlers.put("command", (request, client) -> CommandIntrospection.reply(request, commands));
        handlers.put("client", this::client);
        handlers.put("reset", this::reset);
        handlers.put("auth", (request, client) -> acl.auth(request, client, aclContext(client)));
        handlers.put("acl", (request, client) -> acl.acl(request, client));
    }

    /** ACL LOG's context of a command {@code client} sends now: {@code multi} inside MULTI, else {@code toplevel}. */
    protected String aclContext(C client) {
        return multi(client) >= 0 ? "multi" : "toplevel";
    }

    /**
     * {@code RESET}: the connection as it was when it opened (RESP2, no name, replies on, the
     * service's own state through {@link #reset(Client)}), as Redis 6.2+ answers it.
     */
    RespValue reset(Request request, C client) {
        client.protocol(2);
        client.name("");
        client.repliesOn();
        client.subscriptions().clear();
        client.monitoring(false); // the Monitors drop it at their next line
        reset(client);
        return RESET;
    }

    private static final RespValue RESET = new RespValue.SimpleString("RESET");

    /** Resets the service's own state of {@code client} (RESET). */
    protected void reset(C client) {
    }

    /**
     * The command's name as CLIENT LIST's {@code cmd} shows it: {@code get}, or {@code client|list}
     * for a known subcommand of a container; what a dispatcher passes to {@link Client#lastCommand(String)}.
     */
    public static String commandName(CommandSpec spec, Request request) {
        if (spec.subcommands().isEmpty() || request.size() < 2) {
            return spec.name();
        }
        CommandSpec sub = spec.subcommands().get(request.argString(1).toLowerCase(Locale.ROOT));
        return sub == null ? spec.name() : sub.name();
    }

    RespValue ping(Request request, C client) {
        if (client.protocol() == 2 && client.subscriptions().active() && request.size() <= 2) {
            // In RESP2 subscriber mode a reply must look like a message: Redis answers pong and the argument.
            return new RespValue.Array(List.of(Replies.bulk("pong"),
                    request.size() == 2 ? Replies.bulk(request.arg(1)) : Replies.bulk(new byte[0])));
        }
        return switch (request.size()) {
            case 1 -> Replies.PONG;
            case 2 -> Replies.bulk(request.arg(1));
            default -> Replies.wrongArity("ping");
        };
    }

    /** {@code HELLO [protover [SETNAME name]]}: switches the connection's protocol version. */
    RespValue hello(Request request, C client) {
        Hello hello = Hello.parse(request, client.protocol());
        if (hello.username() != null && (hello.error() == null || hello.authFirst())) {
            RespValue failed = access.authenticate(client, hello.username(), hello.password(), request.argString(0),
                    aclContext(client));
            if (failed != null) {
                return failed;
            }
        }
        if (hello.error() != null) {
            return hello.error();
        }
        if (!client.authenticated() && access.users().authRequired()) {
            return Hello.NOAUTH;
        }
        client.protocol(hello.protocol());
        if (hello.name() != null) {
            client.name(hello.name());
        }
        return hello.reply(server, client.id());
    }

    static RespValue time() {
        Instant now = Instant.now();
        return new RespValue.Array(List.of(Replies.bulk(Long.toString(now.getEpochSecond())),
                Replies.bulk(Long.toString(now.getNano() / 1000))));
    }

    RespValue client(Request request, C client) {
        String sub = request.argString(1).toLowerCase(Locale.ROOT);
        switch (sub) {
            case "id":
                return Replies.integer(client.id());
            case "getname":
                return client.name().isEmpty() ? Replies.NULL : Replies.bulk(client.name());
            case "setname": {
                if (request.size() != 3) {
                    return Replies.error("ERR wrong number of arguments for 'client|setname' command");
                }
                String name = request.argString(2);
                if (name.chars().anyMatch(c -> c <= ' ' || c > '~')) {
                    return Replies.error("ERR Client names cannot contain spaces, newlines or special characters.");
                }
                client.name(name);
                return Replies.OK;
            }
            case "setinfo":
                // Client libraries announce their name and version; accepted and ignored.
                return request.size() == 4 ? Replies.OK
                        : Replies.error("ERR wrong number of arguments for 'client|setinfo' command");
            case "info":
                return Replies.bulk(line(client) + "\n");
            case "kill":
                return kill(request, client);
            case "reply":
                return reply(request, client);
            case "no-evict":
                // Accepted as Redis does; kv evicts no clients.
                return request.size() == 3 && (request.argIs(2, "on") || request.argIs(2, "off")) ? Replies.OK
                        : Replies.SYNTAX_ERROR;
            case "list":
                return list(request);
            default: {
                RespValue own = client(sub, request, client);
                return own != null ? own : Replies.error("ERR unknown subcommand '" + request.argString(1)
                        + "'. Try CLIENT HELP.");
            }
        }
    }

    /**
     * {@code CLIENT LIST [TYPE normal|master|replica|pubsub] [ID id [id ...]]}, as Redis 7.0: one
     * filter at most; the ids' clients in the order given (a missing one left out).
     */
    RespValue list(Request request) {
        StringBuilder list = new StringBuilder();
        if (request.size() == 4 && request.argIs(2, "type")) {
            String type = request.argString(3).toLowerCase(Locale.ROOT);
            if (!List.of("normal", "master", "replica", "slave", "pubsub").contains(type)) {
                return Replies.error("ERR Unknown client type '" + request.argString(3) + "'");
            }
            for (C each : clients.all()) {
                if (type.equals(each.subscribed() ? "pubsub" : "normal")) { // kv has no masters or replicas
                    list.append(line(each)).append('\n');
                }
            }
        }
        else if (request.size() > 3 && request.argIs(2, "id")) {
            List<C> chosen = new java.util.ArrayList<>();
            for (int i = 3; i < request.size(); i++) {
                long id;
                try {
                    id = Long.parseLong(request.argString(i));
                }
                catch (NumberFormatException e) {
                    return Replies.error("ERR Invalid client ID");
                }
                C each = clients.find(id);
                if (each != null) {
                    chosen.add(each);
                }
            }
            chosen.forEach(each -> list.append(line(each)).append('\n'));
        }
        else if (request.size() != 2) {
            return Replies.SYNTAX_ERROR;
        }
        else {
            for (C each : clients.all()) {
                list.append(line(each)).append('\n');
            }
        }
        return Replies.bulk(list.toString());
    }

    /** {@code CLIENT REPLY ON|OFF|SKIP}: OFF and SKIP are not answered (see {@link Client#withholdReply}). */
    private static RespValue reply(Request request, Client client) {
        if (request.size() != 3) {
            return Replies.error("ERR wrong number of arguments for 'client|reply' command");
        }
        if (request.argIs(2, "on")) {
            client.repliesOn();
        }
        else if (request.argIs(2, "off")) {
            client.repliesOff();
        }
        else if (request.argIs(2, "skip")) {
            client.skipNextReply();
        }
        else {
            return Replies.SYNTAX_ERROR;
        }
        return Replies.OK;
    }

    /**
     * {@code CLIENT KILL addr:port} (the old form: OK, or an error if no client has that address)
     * and {@code CLIENT KILL [ID id] [TYPE type] [USER user] [ADDR addr] [LADDR addr] [SKIPME yes|no]}
     * (how many were closed; SKIPME yes unless said). Killing itself, a client gets its reply first.
     */
    RespValue kill(Request request, C self) {
        if (request.size() == 3) {
            String address = request.argString(2);
            for (C each : clients.all()) {
                if (each.address().equals(address)) {
                    close(each, self);
                    return Replies.OK;
                }
            }
            return Replies.error("ERR No such client");
        }
        if (request.size() < 3 || request.size() % 2 != 0) {
            return request.size() < 3 ? Replies.error("ERR wrong number of arguments for 'client|kill' command")
                    : Replies.SYNTAX_ERROR;
        }
        long id = 0;
        String address = null;
        String localAddress = null;
        String type = null;
        String user = null;
        boolean skipMe = true;
        for (int i = 2; i < request.size(); i += 2) {
            String value = request.argString(i + 1);
            switch (request.argString(i).toLowerCase(Locale.ROOT)) {
                case "id" -> {
                    try {
                        id = Long.parseLong(value);
                    }
                    catch (NumberFormatException e) {
                        id = 0;
                    }
                    if (id <= 0) {
                        return Replies.error("ERR client-id should be greater than 0");
                    }
                }
                case "type" -> {
                    switch (value.toLowerCase(Locale.ROOT)) {
                        case "normal" -> type = "normal";
                        case "pubsub" -> type = "pubsub";
                        case "master", "replica", "slave" -> type = "none"; // kv has none of these
                        default -> {
                            return Replies.error("ERR Unknown client type '" + value + "'");
                        }
                    }
                }
                case "user" -> {
                    if (access.users().get(value) == null) {
                        return Replies.error("ERR No such user '" + value + "'");
                    }
                    user = value;
                }
                case "addr" -> address = value;
                case "laddr" -> localAddress = value;
                case "skipme" -> {
                    if (value.equalsIgnoreCase("yes")) {
                        skipMe = true;
                    }
                    else if (value.equalsIgnoreCase("no")) {
                        skipMe = false;
                    }
                    else {
                        return Replies.SYNTAX_ERROR;
                    }
                }
                default -> {
                    return Replies.SYNTAX_ERROR;
                }
            }
        }
        long killed = 0;
        for (C each : clients.all()) {
            boolean pubsub = each.subscribed(); // kv-proxy keeps its subscriptions in its own hub
            if ("none".equals(type) || "normal".equals(type) && pubsub || "pubsub".equals(type) && !pubsub || id != 0 && each.id() != id || address != null && !each.address().equals(address)
                    || localAddress != null && !each.localAddress().equals(localAddress) || skipMe && each == self
                    || user != null && !each.user().equals(user)) {
                continue;
            }
            close(each, self);
            killed++;
        }
        return Replies.integer(killed);
    }

    private static void close(Client client, Client self) {
        if (client == self) {
            client.requestClose(); // after this reply, as Redis does
        }
        else {
            client.disconnect();
        }
    }

    /**
     * The service's own CLIENT subcommands.
     *
     * @param subcommand the subcommand's name in lower case
     * @return the reply, or null if the service has no such subcommand
     */
    protected RespValue client(String subcommand, Request request, C client) {
        return null;
    }

    /**
     * One client's line of CLIENT LIST and CLIENT INFO with the fields of Redis 7.0, in its order.
     * kv does not keep Redis's per-client buffers: those fields are 0, so that tools that parse
     * the line find them; {@code multi} is the service's ({@link #multi}).
     */
    private String line(C client) {
        long age = Duration.between(client.connectedAt(), Instant.now()).toSeconds();
        StringBuilder line = new StringBuilder(256)
                .append("id=").append(client.id())
                .append(" addr=").append(client.address())
                .append(" laddr=").append(client.localAddress())
                .append(" fd=-1")
                .append(" name=").append(client.name())
                .append(" age=").append(age)
                .append(" idle=").append(client.idleSeconds())
                .append(" flags=").append(client.monitoring() ? "O" + flags(client).replace("N", "") : flags(client))
                .append(" db=").append(db(client))
                .append(" sub=").append(client.subscriptions().channelCount())
                .append(" psub=").append(client.subscriptions().patternCount())
                .append(" ssub=0 multi=").append(multi(client))
                .append(" qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0 rbs=0 rbp=0")
                .append(" obl=0 oll=0 omem=0 tot-mem=0 events=r")
                .append(" cmd=").append(client.lastCommand())
                .append(" user=").append(client.user())
                .append(" redir=").append(redirect(client))
                .append(" resp=").append(client.protocol());
        describe(client, line);
        return line.toString();
    }

    /** CLIENT LIST's {@code flags}: Redis's letters ({@code P} subscribed), {@code N} for none. */
    protected String flags(C client) {
        return client.subscriptions().active() ? "P" : "N";
    }

    /** CLIENT LIST's {@code multi}: the commands queued since MULTI, -1 outside MULTI. */
    protected int multi(C client) {
        return -1;
    }

    /** The database the client has selected. */
    protected int db(C client) {
        return 0;
    }

    /** CLIENT LIST's {@code redir}: the client tracking redirection, -1 for none. */
    protected long redirect(C client) {
        return -1;
    }

    /** Appends the service's own {@code field=value} pairs of CLIENT LIST and CLIENT INFO, each after a space. */
    protected void describe(C client, StringBuilder line) {
    }
}
