package kv.server;

import java.io.IOException;
import java.util.List;

import kv.protocol.endpoint.RespServerConnectionFactory;
import kv.protocol.resp.Replies;
import kv.protocol.resp.RespValue;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;

import static org.assertj.core.api.Assertions.assertThat;

/** What a client learns about its connection and the others, and how it steers them, over the wire. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = "kv.server.port=0")
@DirtiesContext
class IntrospectionTest extends RunningServerTest {

    @Autowired
    RespServerConnectionFactory connectionFactory;

    private RawConnection connect() throws IOException {
        return new RawConnection(connectionFactory.getPort());
    }

    private static String text(RespValue value) {
        return ((RespValue.BulkString) value).asString();
    }

    @Test
    void clientInfoHasRedisSevenFieldsWithTheLocalAddressTheLastCommandAndTheTrackingFlags() throws IOException {
        try (RawConnection client = connect()) {
            String info = text(client.send("CLIENT INFO\r\n").read());
            assertThat(info).matches("id=\\d+ addr=127\\.0\\.0\\.1:\\d+ laddr=127\\.0\\.0\\.1:" + connectionFactory.getPort()
                    + " fd=-1 name= age=\\d+ idle=0 flags=N db=0 sub=0 psub=0 ssub=0 multi=-1 qbuf=0 qbuf-free=0"
                    + " argv-mem=0 multi-mem=0 rbs=0 rbp=0 obl=0 oll=0 omem=0 tot-mem=0 events=r cmd=client\\|info"
                    + " user=default redir=-1 resp=2\n");
            client.send("HELLO 3\r\n").read();
            assertThat(client.send("CLIENT TRACKING ON BCAST\r\n").read()).isEqualTo(Replies.OK);
            assertThat(text(client.send("CLIENT INFO\r\n").read())).contains(" flags=tB ").contains(" redir=0 resp=3");
        }
    }

    @Test
    void trackingInfoInBroadcastModeWithoutPrefixesAnswersTheOneEmptyPrefixAsRedisDoes() throws IOException {
        try (RawConnection client = connect()) {
            client.send("HELLO 3\r\n").read();
            client.send("CLIENT TRACKING ON BCAST\r\n").read();
            assertThat(client.send("CLIENT TRACKINGINFO\r\n").read()).isEqualTo(new RespValue.Map(List.of(
                    Replies.bulk("flags"), new RespValue.Set(List.of(Replies.bulk("on"), Replies.bulk("bcast"))),
                    Replies.bulk("redirect"), Replies.integer(0),
                    Replies.bulk("prefixes"), new RespValue.Array(List.of(Replies.bulk(""))))));
        }
    }

    @Test
    void clientReplyOffAndSkipLeaveRepliesOutUntilOn() throws IOException {
        try (RawConnection client = connect()) {
            client.send("CLIENT REPLY OFF\r\nSET r 1\r\nGET r\r\nCLIENT REPLY ON\r\nGET r\r\n");
            assertThat(client.read()).as("the reply to CLIENT REPLY ON comes first").isEqualTo(Replies.OK);
            assertThat(client.read()).isEqualTo(Replies.bulk("1"));
            client.send("CLIENT REPLY SKIP\r\nSET r 2\r\nPING\r\n");
            assertThat(client.read()).as("SKIP: only SET's reply is left out").isEqualTo(Replies.PONG);
            assertThat(client.send("GET r\r\n").read()).isEqualTo(Replies.bulk("2"));
        }
    }

    @Test
    void clientKillClosesTheOtherConnectionAndAnswersHowMany() throws IOException {
        try (RawConnection killer = connect(); RawConnection victim = connect()) {
            long id = ((RespValue.Integer) victim.send("CLIENT ID\r\n").read()).value();
            assertThat(killer.send("CLIENT KILL ID " + id + "\r\n").read()).isEqualTo(Replies.integer(1));
            assertThat(victim.closedByServer()).isTrue();
            assertThat(killer.send("CLIENT KILL ID " + id + "\r\n").read()).isEqualTo(Replies.integer(0));
            assertThat(text(killer.send("CLIENT LIST\r\n").read())).doesNotContain("id=" + id + " ");
        }
    }

    @Test
    void resetTurnsTrackingOffAndGoesBackToResp2() throws IOException {
        try (RawConnection client = connect()) {
            client.send("HELLO 3\r\n").read();
            client.send("CLIENT TRACKING ON\r\n").read();
            assertThat(client.send("RESET\r\n").read()).isEqualTo(new RespValue.SimpleString("RESET"));
            assertThat(text(client.send("CLIENT INFO\r\n").read())).contains(" flags=N ").contains(" resp=2\n");
        }
    }
}
