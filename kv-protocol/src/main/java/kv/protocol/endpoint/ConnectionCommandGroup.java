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
 * ECHO, QUIT, HELLO, TIME, COMMAND, and CLIENT ID, GETNAME, SETNAME, SETINFO, INFO and LIST.
 * A service extends it with its own CLIENT subcommands ({@link #client}), its own fields of
 * CLIENT LIST ({@link #describe}) and its own commands (SELECT).
 *
 * @param <C> the service's client state
 */
public abstract class ConnectionCommandGroup<C extends Client> implements CommandGroup<C> {

    private final String server;
    private final ClientRegistry<C> clients;
    private final Collection<CommandSpec> commands;

    /**
     * @param server what HELLO names as the server
     * @param clients the connected clients, for CLIENT LIST
     * @param commands the commands the service answers, for COMMAND
     */
    protected ConnectionCommandGroup(String server, ClientRegistry<C> clients, Collection<CommandSpec> commands) {
        this.server = server;
        this.clients = clients;
        this.commands = commands;
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
    }

    RespValue ping(Request request, C client) {
        return switch (request.size()) {
            case 1 -> Replies.PONG;
            case 2 -> Replies.bulk(request.arg(1));
            default -> Replies.wrongArity("ping");
        };
    }

    /** {@code HELLO [protover [SETNAME name]]}: switches the connection's protocol version. */
    RespValue hello(Request request, C client) {
        Hello hello = Hello.parse(request, client.protocol());
        if (hello.error() != null) {
            return hello.error();
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
            case "list": {
                StringBuilder list = new StringBuilder();
                for (C each : clients.all()) {
                    list.append(line(each)).append('\n');
                }
                return Replies.bulk(list.toString());
            }
            default: {
                RespValue own = client(sub, request, client);
                return own != null ? own : Replies.error("ERR unknown subcommand '" + request.argString(1)
                        + "'. Try CLIENT HELP.");
            }
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

    private String line(C client) {
        long age = Duration.between(client.connectedAt(), Instant.now()).toSeconds();
        StringBuilder line = new StringBuilder()
                .append("id=").append(client.id())
                .append(" addr=").append(client.address())
                .append(" name=").append(client.name())
                .append(" age=").append(age)
                .append(" db=0")
                .append(" resp=").append(client.protocol())
                .append(" cmd=").append(client.lastCommand());
        describe(client, line);
        return line.toString();
    }

    /** Appends the service's own {@code field=value} pairs of CLIENT LIST and CLIENT INFO, each after a space. */
    protected void describe(C client, StringBuilder line) {
    }
}
