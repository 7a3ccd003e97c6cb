package kv.protocol.command;

import java.util.List;

import kv.protocol.resp.Replies;
import kv.protocol.resp.RespValue;
import kv.protocol.resp.Request;

/**
 * {@code HELLO [protover [AUTH user pass] [SETNAME name]]}, parsed and answered as Redis 6+ does,
 * for every kv service.
 *
 * @param protocol the RESP version asked for, or the current one if none was named
 * @param name the client name given with SETNAME, or null
 * @param username the user given with AUTH, or null
 * @param password the password given with AUTH, or null
 * @param error the error reply if the request is not valid, else null
 * @param authFirst true if the AUTH option came before the error: Redis authenticates the client
 *                  with it before it answers the error, as it reads the options in order
 */
public record Hello(int protocol, String name, String username, byte[] password, RespValue error, boolean authFirst) {

    /** Redis's answer to HELLO from a client that must authenticate first. */
    public static final RespValue NOAUTH = Replies.error("NOAUTH HELLO must be called with the client already"
            + " authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client"
            + " and select the RESP protocol version at the same time");

    /** The Redis version whose replies kv's commands follow; clients read it to pick features. */
    public static final String REDIS_COMPATIBLE_VERSION = "7.0.0";

    public static Hello parse(Request request, int currentProtocol) {
        int protocol = currentProtocol;
        int i = 1;
        if (request.size() > 1) {
            String version = request.argString(1);
            if (!version.equals("2") && !version.equals("3")) {
                return failed(Replies.error("NOPROTO unsupported protocol version"));
            }
            protocol = Integer.parseInt(version);
            i = 2;
        }
        String name = null;
        String username = null;
        byte[] password = null;
        for (; i < request.size(); i++) {
            if (request.argIs(i, "setname") && i + 1 < request.size()) {
                name = request.argString(++i);
                if (name.chars().anyMatch(c -> c <= ' ' || c > '~')) {
                    return new Hello(protocol, null, username, password,
                            Replies.error("ERR Client names cannot contain spaces, newlines or special characters."),
                            username != null);
                }
            }
            else if (request.argIs(i, "auth") && i + 2 < request.size()) {
                username = request.argString(++i);
                password = request.arg(++i);
            }
            else {
                return new Hello(protocol, null, username, password,
                        Replies.error("ERR Syntax error in HELLO option '" + request.argString(i) + "'"), username != null);
            }
        }
        return new Hello(protocol, name, username, password, null, false);
    }

    private static Hello failed(RespValue error) {
        return new Hello(0, null, null, null, error, false);
    }

    /** The reply describing {@code server} to the client with connection id {@code clientId}. */
    public RespValue reply(String server, long clientId) {
        return new RespValue.Map(List.of(
                Replies.bulk("server"), Replies.bulk(server),
                Replies.bulk("version"), Replies.bulk(REDIS_COMPATIBLE_VERSION),
                Replies.bulk("proto"), Replies.integer(protocol),
                Replies.bulk("id"), Replies.integer(clientId),
                Replies.bulk("mode"), Replies.bulk("standalone"),
                Replies.bulk("role"), Replies.bulk("master"),
                Replies.bulk("modules"), Replies.EMPTY_ARRAY));
    }
}
