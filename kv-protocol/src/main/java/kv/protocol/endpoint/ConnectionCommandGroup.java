package kv.protocol.endpoint;

import kv.protocol.command.Hello;
import kv.protocol.resp.Replies;
import kv.protocol.resp.RespValue;
import kv.protocol.resp.Request;

/**
 * What every kv service answers the same way about a connection: HELLO, and CLIENT ID, GETNAME,
 * SETNAME and SETINFO. Each service adds its own CLIENT subcommands around these.
 */
public final class ClientCommands {

    private ClientCommands() {
    }

    /** {@code HELLO [protover [SETNAME name]]}: switches the connection's protocol version. */
    public static RespValue hello(Request request, Client client, String server) {
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

    /**
     * Answers {@code CLIENT ID|GETNAME|SETNAME|SETINFO}.
     *
     * @return the reply, or null if {@code subcommand} (lower case) is not one of these
     */
    public static RespValue common(String subcommand, Request request, Client client) {
        switch (subcommand) {
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
            default:
                return null;
        }
    }
}
