package kv.protocol.endpoint;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import kv.protocol.command.CommandHandler;
import kv.protocol.command.CommandTable;
import kv.protocol.resp.Replies;
import kv.protocol.resp.RespValue;
import kv.protocol.resp.Request;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The connection commands both services share, run without a service around them. */
class ConnectionCommandGroupTest {

    /** A service's client state: one field of its own. */
    static final class Session extends Client {
        boolean flagged;

        Session(long id, String address) {
            super(id, address);
        }
    }

    private final ClientRegistry<Session> clients = new ClientRegistry<>(Session::new);
    private final Map<String, CommandHandler<Session>> handlers = new HashMap<>();

    ConnectionCommandGroupTest() {
        new ConnectionCommandGroup<Session>("kv-test", clients, List.of(CommandTable.get("get"))) {
            @Override
            protected RespValue client(String subcommand, Request request, Session session) {
                if (!subcommand.equals("flag")) {
                    return null;
                }
                session.flagged = true;
                return Replies.OK;
            }

            @Override
            protected void describe(Session session, StringBuilder line) {
                line.append(" flagged=").append(session.flagged ? 1 : 0);
            }
        }.register(handlers);
    }

    private RespValue run(Session session, String... args) {
        Request request = Request.of(args);
        return handlers.get(request.name()).handle(request, session);
    }

    @Test
    void pingEchoAndQuitAnswerAsRedisDoes() {
        Session session = clients.open("127.0.0.1:1");
        assertThat(run(session, "PING")).isEqualTo(Replies.PONG);
        assertThat(run(session, "PING", "hi")).isEqualTo(Replies.bulk("hi"));
        assertThat(run(session, "PING", "a", "b")).isEqualTo(Replies.wrongArity("ping"));
        assertThat(run(session, "ECHO", "x")).isEqualTo(Replies.bulk("x"));
        assertThat(session.closeRequested()).isFalse();
        assertThat(run(session, "QUIT")).isEqualTo(Replies.OK);
        assertThat(session.closeRequested()).isTrue();
    }

    @Test
    void helloSwitchesTheProtocolAndNamesTheService() {
        Session session = clients.open("127.0.0.1:1");
        RespValue reply = run(session, "HELLO", "3", "SETNAME", "app");
        assertThat(session.protocol()).isEqualTo(3);
        assertThat(session.name()).isEqualTo("app");
        assertThat(((RespValue.Map) reply).keysAndValues()).contains(Replies.bulk("kv-test"));
    }

    @Test
    void timeIsSecondsAndMicroseconds() {
        long before = System.currentTimeMillis() / 1000;
        List<RespValue> time = ((RespValue.Array) run(clients.open("a:1"), "TIME")).elements();
        assertThat(time).hasSize(2);
        assertThat(Long.parseLong(((RespValue.BulkString) time.get(0)).asString())).isBetween(before, before + 60);
        assertThat(Long.parseLong(((RespValue.BulkString) time.get(1)).asString())).isBetween(0L, 999_999L);
    }

    @Test
    void commandCountsOnlyTheServicesCommands() {
        assertThat(run(clients.open("a:1"), "COMMAND", "COUNT")).isEqualTo(Replies.integer(1));
    }

    @Test
    void clientListShowsEveryClientWithTheServicesOwnFields() {
        Session first = clients.open("127.0.0.1:1");
        Session second = clients.open("127.0.0.1:2");
        assertThat(run(second, "CLIENT", "SETNAME", "worker")).isEqualTo(Replies.OK);
        assertThat(run(second, "CLIENT", "FLAG")).isEqualTo(Replies.OK);
        second.lastCommand("client|flag");

        String list = ((RespValue.BulkString) run(first, "CLIENT", "LIST")).asString();

        assertThat(list.split("\n")).hasSize(2);
        assertThat(list).contains("id=" + first.id() + " addr=127.0.0.1:1 name= age=")
                .contains("id=" + second.id() + " addr=127.0.0.1:2 name=worker age=")
                .contains("cmd=client|flag flagged=1\n").contains("cmd=NULL flagged=0\n");
        assertThat(run(second, "CLIENT", "ID")).isEqualTo(Replies.integer(second.id()));
        assertThat(run(second, "CLIENT", "GETNAME")).isEqualTo(Replies.bulk("worker"));
    }

    @Test
    void anUnknownClientSubcommandGetsRedisError() {
        assertThat(run(clients.open("a:1"), "CLIENT", "NOPE")).isEqualTo(
                Replies.error("ERR unknown subcommand 'NOPE'. Try CLIENT HELP."));
    }
}
