package kv.proxy.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import kv.protocol.resp.Replies;
import kv.protocol.resp.Request;
import kv.protocol.tcp.MalformedRequest;
import kv.protocol.tcp.Reply;
import kv.proxy.tcp.ClientSession;
import org.junit.jupiter.api.Test;

/** The dispatcher's checks, without sockets or backends. */
class ProxyDispatcherTest {

    private final ClientSession session = new kv.proxy.tcp.ClientRegistry().open("127.0.0.1:1");
    private final ProxyDispatcher dispatcher = new ProxyDispatcher(List.of(
            handlers -> handlers.put("ping", (request, s) -> Replies.PONG)));

    @Test
    void aCommandOutsideTheTableIsRefusedNamingTheProxy() {
        assertThat(dispatcher.execute(Request.of("INCR", "x"), session)).isEqualTo(Replies.error(
                "ERR unknown command 'INCR': kv-proxy forwards only the commands in kv's command table"));
    }

    @Test
    void aTableCommandWithoutAProxyHandlerIsRefusedNotForwarded() {
        assertThat(dispatcher.execute(Request.of("GET", "x"), session)).isEqualTo(Replies.error(
                "ERR 'get' is not supported by kv-proxy; send it to a server directly"));
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
        assertThat(dispatcher.dispatch(Request.of("PING"), session).value()).isEqualTo(Replies.PONG);
    }
}
