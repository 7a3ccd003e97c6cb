package kv.proxy.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import kv.protocol.command.CommandSpec;
import kv.protocol.command.CommandTable;
import kv.protocol.command.KvTraits;
import kv.protocol.resp.Replies;
import kv.protocol.resp.Request;
import kv.protocol.tcp.MalformedRequest;
import kv.protocol.tcp.Reply;
import kv.proxy.tcp.ClientSession;
import org.junit.jupiter.api.Test;

/** The dispatcher's checks, without sockets or backends. */
class ProxyDispatcherTest {

    /** A handler for every command the specs route through the proxy, answering its name. */
    private static final CommandGroup EVERY_ROUTED_COMMAND = handlers -> {
        for (CommandSpec spec : CommandTable.all()) {
            if (spec.kv().proxy() != KvTraits.ProxyRoute.NONE) {
                handlers.put(spec.name(), (request, s) -> Replies.bulk(spec.name()));
            }
        }
    };

    private final ClientSession session = new kv.proxy.tcp.ClientRegistry().open("127.0.0.1:1");
    private final ProxyDispatcher dispatcher = new ProxyDispatcher(List.of(EVERY_ROUTED_COMMAND));

    @Test
    void aCommandOutsideTheTableIsRefusedNamingTheProxy() {
        assertThat(dispatcher.execute(Request.of("NOSUCHCMD", "x"), session)).isEqualTo(Replies.error(
                "ERR unknown command 'NOSUCHCMD': kv-proxy forwards only the commands in kv's command table"));
    }

    @Test
    void theProxyDoesNotStartWhileARoutedCommandHasNoHandler() {
        CommandGroup withoutGet = handlers -> {
            EVERY_ROUTED_COMMAND.register(handlers);
            handlers.remove("get");
        };
        assertThatThrownBy(() -> new ProxyDispatcher(List.of(withoutGet)))
                .hasMessageContaining("'get'").hasMessageContaining("no handler in kv-proxy");
    }

    @Test
    void theProxyDoesNotStartWithAHandlerForACommandOutsideTheTable() {
        CommandGroup extra = handlers -> {
            EVERY_ROUTED_COMMAND.register(handlers);
            handlers.put("nosuchcmd", (request, s) -> Replies.OK);
        };
        assertThatThrownBy(() -> new ProxyDispatcher(List.of(extra))).hasMessageContaining("nosuchcmd");
    }

    @Test
    void theArityComesFromTheCommandTable() {
        assertThat(dispatcher.execute(Request.of("GET"), session)).isEqualTo(Replies.wrongArity("get"));
    }

    @Test
    void malformedInputIsAnsweredWithAProtocolErrorAndClosesTheConnection() {
        Reply reply = dispatcher.dispatch(new MalformedRequest("invalid bulk length"), session);
        assertThat(reply.value()).isEqualTo(Replies.protocolError("invalid bulk length"));
        assertThat(reply.closeAfterWrite()).isTrue();
    }

    @Test
    void aKnownCommandRunsItsHandler() {
        assertThat(dispatcher.dispatch(Request.of("PING"), session).value()).isEqualTo(Replies.bulk("ping"));
    }
}
