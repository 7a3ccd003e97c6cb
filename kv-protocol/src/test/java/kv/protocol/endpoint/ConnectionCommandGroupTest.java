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
        new ConnectionCommandGroup<Session>("kv-test", clients, List.of(CommandTable.get("get")),
                new AccessControl(kv.protocol.acl.Users.open(), clients)) {
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
    void clientListShowsEveryClientWithRedisSevenFieldsInOrderAndTheServicesOwn() {
        Session first = clients.open("127.0.0.1:1");
        first.localAddress("127.0.0.1:7379");
        Session second = clients.open("127.0.0.1:2");
        assertThat(run(second, "CLIENT", "SETNAME", "worker")).isEqualTo(Replies.OK);
        assertThat(run(second, "CLIENT", "FLAG")).isEqualTo(Replies.OK);
        second.lastCommand("client|flag");

        String list = ((RespValue.BulkString) run(first, "CLIENT", "LIST")).asString();

        assertThat(list.split("\n")).hasSize(2);
        assertThat(list).matches("(?s).*id=" + first.id() + " addr=127.0.0.1:1 laddr=127.0.0.1:7379 fd=-1 name= age=\\d+"
                + " idle=\\d+ flags=N db=0 sub=0 psub=0 ssub=0 multi=-1 qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0"
                + " rbs=0 rbp=0 obl=0 oll=0 omem=0 tot-mem=0 events=r cmd=NULL user=default redir=-1 resp=2"
                + " flagged=0\n.*");
        assertThat(list).contains("id=" + second.id() + " addr=127.0.0.1:2 laddr=? fd=-1 name=worker age=")
                .contains(" cmd=client|flag user=default redir=-1 resp=2 flagged=1\n");
        assertThat(run(second, "CLIENT", "ID")).isEqualTo(Replies.integer(second.id()));
        assertThat(run(second, "CLIENT", "GETNAME")).isEqualTo(Replies.bulk("worker"));
        assertThat(((RespValue.BulkString) run(second, "CLIENT", "INFO")).asString())
                .startsWith("id=" + second.id() + " addr=127.0.0.1:2 ").endsWith(" flagged=1\n");
    }

    @Test
    void clientKillByFilterCountsTheClientsClosedAndSkipsTheCallerUnlessAsked() {
        List<String> closed = new java.util.ArrayList<>();
        Session self = clients.open("127.0.0.1:1");
        Session other = clients.open("127.0.0.1:2");
        Session third = clients.open("127.0.0.1:3");
        for (Session each : List.of(self, other, third)) {
            each.localAddress("127.0.0.1:7379");
            each.onDisconnect(() -> closed.add(each.address()));
        }
        assertThat(run(self, "CLIENT", "KILL", "ID", Long.toString(other.id()))).isEqualTo(Replies.integer(1));
        assertThat(closed).containsExactly("127.0.0.1:2");
        assertThat(run(self, "CLIENT", "KILL", "ADDR", "127.0.0.1:9")).isEqualTo(Replies.integer(0));
        assertThat(run(self, "CLIENT", "KILL", "TYPE", "pubsub")).isEqualTo(Replies.integer(0));
        assertThat(run(self, "CLIENT", "KILL", "LADDR", "127.0.0.1:7379", "TYPE", "normal"))
                .as("every client on that address but the caller").isEqualTo(Replies.integer(2));
        assertThat(self.closeRequested()).isFalse();
        assertThat(run(self, "CLIENT", "KILL", "ID", Long.toString(self.id()), "SKIPME", "no"))
                .isEqualTo(Replies.integer(1));
        assertThat(self.closeRequested()).as("the caller is closed after its reply").isTrue();
    }

    @Test
    void clientKillOfAnAddressIsTheOldFormAnsweredOkOrNoSuchClient() {
        Session self = clients.open("127.0.0.1:1");
        Session other = clients.open("127.0.0.1:2");
        boolean[] closed = new boolean[1];
        other.onDisconnect(() -> closed[0] = true);
        assertThat(run(self, "CLIENT", "KILL", "127.0.0.1:2")).isEqualTo(Replies.OK);
        assertThat(closed[0]).isTrue();
        assertThat(run(self, "CLIENT", "KILL", "1.2.3.4:5")).isEqualTo(Replies.error("ERR No such client"));
    }

    @Test
    void clientKillRefusesWhatRedisRefuses() {
        Session self = clients.open("127.0.0.1:1");
        assertThat(run(self, "CLIENT", "KILL")).isEqualTo(
                Replies.error("ERR wrong number of arguments for 'client|kill' command"));
        assertThat(run(self, "CLIENT", "KILL", "ID", "abc")).isEqualTo(
                Replies.error("ERR client-id should be greater than 0"));
        assertThat(run(self, "CLIENT", "KILL", "TYPE", "foo")).isEqualTo(Replies.error("ERR Unknown client type 'foo'"));
        assertThat(run(self, "CLIENT", "KILL", "USER", "nobody")).isEqualTo(Replies.error("ERR No such user 'nobody'"));
        assertThat(run(self, "CLIENT", "KILL", "SKIPME", "maybe")).isEqualTo(Replies.SYNTAX_ERROR);
        assertThat(run(self, "CLIENT", "KILL", "FOO", "bar")).isEqualTo(Replies.SYNTAX_ERROR);
        assertThat(run(self, "CLIENT", "KILL", "ID", "1", "ADDR")).isEqualTo(Replies.SYNTAX_ERROR);
    }

    @Test
    void clientNoEvictIsAcceptedAndClientReplyTurnsRepliesOffAndOn() {
        Session session = clients.open("127.0.0.1:1");
        assertThat(run(session, "CLIENT", "NO-EVICT", "on")).isEqualTo(Replies.OK);
        assertThat(run(session, "CLIENT", "NO-EVICT", "maybe")).isEqualTo(Replies.SYNTAX_ERROR);
        assertThat(run(session, "CLIENT", "REPLY", "maybe")).isEqualTo(Replies.SYNTAX_ERROR);
        assertThat(session.withholdReply()).isFalse();
        run(session, "CLIENT", "REPLY", "SKIP");
        assertThat(session.withholdReply()).as("CLIENT REPLY SKIP itself").isTrue();
        assertThat(session.withholdReply()).as("the command after it").isTrue();
        assertThat(session.withholdReply()).as("the one after that").isFalse();
        run(session, "CLIENT", "REPLY", "OFF");
        assertThat(session.withholdReply()).isTrue();
        assertThat(session.withholdReply()).isTrue();
        run(session, "CLIENT", "REPLY", "ON");
        assertThat(session.withholdReply()).isFalse();
    }

    @Test
    void resetGivesTheConnectionBackAsItOpened() {
        Session session = clients.open("127.0.0.1:1");
        run(session, "HELLO", "3", "SETNAME", "app");
        run(session, "CLIENT", "REPLY", "OFF");
        assertThat(run(session, "RESET")).isEqualTo(new RespValue.SimpleString("RESET"));
        assertThat(session.protocol()).isEqualTo(2);
        assertThat(session.name()).isEmpty();
        assertThat(session.controlsReplies()).isFalse();
    }

    @Test
    void anUnknownClientSubcommandGetsRedisError() {
        assertThat(run(clients.open("a:1"), "CLIENT", "NOPE")).isEqualTo(
                Replies.error("ERR unknown subcommand 'NOPE'. Try CLIENT HELP."));
    }
}
