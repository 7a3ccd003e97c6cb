package kv.proxy.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import kv.protocol.ops.CommandObservers;

import kv.protocol.command.CommandGroup;
import kv.protocol.command.CommandSpec;
import kv.protocol.command.CommandTable;
import kv.protocol.command.KvTraits;
import kv.protocol.resp.Replies;
import kv.protocol.resp.Request;
import kv.protocol.tcp.MalformedRequest;
import kv.protocol.tcp.Reply;
import kv.protocol.tcp.ReplyBatch;
import kv.proxy.session.ClientSession;
import org.junit.jupiter.api.Test;

/** The dispatcher's checks, without sockets or backends. */
class ProxyDispatcherTest {

    /** A handler for every command the specs route through the proxy, answering its name. */
    private static final CommandGroup<ClientSession> EVERY_ROUTED_COMMAND = handlers -> {
        for (CommandSpec spec : CommandTable.all()) {
            if (spec.kv().proxy() != KvTraits.ProxyRoute.NONE) {
                handlers.put(spec.name(), (request, s) -> Replies.bulk(spec.name()));
            }
        }
    };

    private static final kv.protocol.endpoint.ClientRegistry<ClientSession> CLIENTS = ClientSession.registry();
    private static final kv.protocol.endpoint.AccessControl ACCESS = new kv.protocol.endpoint.AccessControl(
            kv.protocol.acl.Users.open(), CLIENTS);
    private final ClientSession session = CLIENTS.open("127.0.0.1:1");
    private final ProxyDispatcher dispatcher = new ProxyDispatcher(List.of(EVERY_ROUTED_COMMAND), ACCESS, new CommandObservers());

    @Test
    void aCommandOutsideTheTableIsRefusedNamingTheProxy() {
        assertThat(dispatcher.execute(Request.of("NOSUCHCMD", "x"), session)).isEqualTo(Replies.error(
                "ERR unknown command 'NOSUCHCMD': kv-proxy forwards only the commands in kv's command table"));
    }

    @Test
    void theProxyDoesNotStartWhileARoutedCommandHasNoHandler() {
        CommandGroup<ClientSession> withoutGet = handlers -> {
            EVERY_ROUTED_COMMAND.register(handlers);
            handlers.remove("get");
        };
        assertThatThrownBy(() -> new ProxyDispatcher(List.of(withoutGet), ACCESS, new CommandObservers()))
                .hasMessageContaining("'get'").hasMessageContaining("no handler in kv-proxy");
    }

    @Test
    void theProxyDoesNotStartWithAHandlerForACommandOutsideTheTable() {
        CommandGroup<ClientSession> extra = handlers -> {
            EVERY_ROUTED_COMMAND.register(handlers);
            handlers.put("nosuchcmd", (request, s) -> Replies.OK);
        };
        assertThatThrownBy(() -> new ProxyDispatcher(List.of(extra), ACCESS, new CommandObservers())).hasMessageContaining("nosuchcmd");
    }

    @Test
    void theArityComesFromTheCommandTable() {
        assertThat(dispatcher.execute(Request.of("GET"), session)).isEqualTo(Replies.wrongArity("get"));
    }

    @Test
    void malformedInputIsAnsweredWithAProtocolErrorAndClosesTheConnection() {
        Reply reply = (Reply) dispatcher.dispatch(new MalformedRequest("invalid bulk length"), session);
        assertThat(reply.value()).isEqualTo(Replies.protocolError("invalid bulk length"));
        assertThat(reply.closeAfterWrite()).isTrue();
    }

    @Test
    void aKnownCommandRunsItsHandler() {
        assertThat(((Reply) dispatcher.dispatch(Request.of("PING"), session)).value()).isEqualTo(Replies.bulk("ping"));
    }

    @Test
    void clientReplyOffWithholdsEveryReplyUntilOnAndSkipOnlyTheNextOne() {
        ProxyDispatcher dispatcher = new ProxyDispatcher(
                List.of(EVERY_ROUTED_COMMAND, new ConnectionCommands(CLIENTS, ACCESS)), ACCESS, new CommandObservers());
        assertThat(dispatcher.dispatch(Request.of("CLIENT", "REPLY", "OFF"), session)).isSameAs(ReplyBatch.NONE);
        assertThat(dispatcher.dispatch(Request.of("PING"), session)).isSameAs(ReplyBatch.NONE);
        assertThat(dispatcher.dispatch(Request.of("NOSUCHCMD"), session)).as("errors too").isSameAs(ReplyBatch.NONE);
        assertThat(((Reply) dispatcher.dispatch(Request.of("CLIENT", "REPLY", "ON"), session)).value())
                .isEqualTo(Replies.OK);
        assertThat(dispatcher.dispatch(Request.of("CLIENT", "REPLY", "SKIP"), session)).isSameAs(ReplyBatch.NONE);
        assertThat(dispatcher.dispatch(Request.of("PING", "skipped"), session)).isSameAs(ReplyBatch.NONE);
        assertThat(((Reply) dispatcher.dispatch(Request.of("PING", "sent"), session)).value())
                .isEqualTo(Replies.bulk("sent"));
        assertThat(session.controlsReplies()).isFalse();
    }
}
