package kv.protocol.pubsub;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import kv.protocol.resp.RespValue;
import org.junit.jupiter.api.Test;

/** The hub and a client's subscriptions without sockets: each client's pushes land in a list. */
class PubSubTest {

    private final PubSub hub = new PubSub();

    /** A client speaking {@code protocol} whose connection takes every push into {@link #pushes}. */
    private static final class FakeClient {
        final List<String> pushes = new ArrayList<>();
        final Subscriptions subscriptions;

        FakeClient(int protocol) {
            subscriptions = new Subscriptions(() -> protocol);
            subscriptions.target(bytes -> pushes.add(new String(bytes, StandardCharsets.UTF_8)));
        }
    }

    private static List<byte[]> names(String... names) {
        List<byte[]> bytes = new ArrayList<>();
        for (String name : names) {
            bytes.add(name.getBytes(StandardCharsets.UTF_8));
        }
        return bytes;
    }

    private static byte[] b(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void publishCountsEveryChannelAndPatternReceiver() {
        FakeClient a = new FakeClient(2);
        FakeClient b = new FakeClient(3);
        a.subscriptions.subscribe(hub, names("news"));
        a.subscriptions.psubscribe(hub, names("n*", "x*"));
        b.subscriptions.subscribe(hub, names("news", "other"));
        a.subscriptions.release();
        b.subscriptions.release();

        assertThat(hub.publish(b("news"), b("hi"))).as("a's channel and pattern, b's channel").isEqualTo(3);
        assertThat(hub.publish(b("nothing"), b("hi"))).isEqualTo(1);
        assertThat(hub.publish(b("zzz"), b("hi"))).isZero();
        assertThat(a.pushes).containsExactly(
                "*3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$2\r\nhi\r\n",
                "*4\r\n$8\r\npmessage\r\n$2\r\nn*\r\n$4\r\nnews\r\n$2\r\nhi\r\n",
                "*4\r\n$8\r\npmessage\r\n$2\r\nn*\r\n$7\r\nnothing\r\n$2\r\nhi\r\n");
        assertThat(b.pushes).containsExactly(">3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$2\r\nhi\r\n");
        assertThat(hub.subscribers(b("news"))).isEqualTo(2);
        assertThat(hub.patterns()).isEqualTo(2);
        assertThat(hub.channels(null)).extracting(String::new).containsExactlyInAnyOrder("news", "other");
        assertThat(hub.channels(b("o*"))).extracting(String::new).containsExactly("other");
    }

    @Test
    void confirmationsCountEverySubscriptionAsRedisDoes() {
        FakeClient client = new FakeClient(2);
        assertThat(client.subscriptions.unsubscribe(List.of())).isEqualTo(new RespValue.Sequence(List.of(
                confirmation("unsubscribe", null, 0))));
        assertThat(client.subscriptions.subscribe(hub, names("a", "b", "a"))).isEqualTo(new RespValue.Sequence(List.of(
                confirmation("subscribe", "a", 1), confirmation("subscribe", "b", 2), confirmation("subscribe", "a", 2))));
        assertThat(client.subscriptions.psubscribe(hub, names("p*"))).isEqualTo(new RespValue.Sequence(List.of(
                confirmation("psubscribe", "p*", 3))));
        assertThat(client.subscriptions.unsubscribe(names("zz", "a"))).isEqualTo(new RespValue.Sequence(List.of(
                confirmation("unsubscribe", "zz", 3), confirmation("unsubscribe", "a", 2))));
        assertThat(client.subscriptions.punsubscribe(List.of())).isEqualTo(new RespValue.Sequence(List.of(
                confirmation("punsubscribe", "p*", 1))));
        assertThat(client.subscriptions.active()).isTrue();
        client.subscriptions.clear();
        assertThat(client.subscriptions.active()).isFalse();
        assertThat(hub.subscribers(b("b"))).isZero();
        assertThat(hub.hasSubscribers()).isFalse();
    }

    @Test
    void messagesWaitForTheConfirmationToBeWritten() {
        FakeClient client = new FakeClient(2);
        client.subscriptions.subscribe(hub, names("a"));
        assertThat(hub.publish(b("a"), b("early"))).as("counted as received").isEqualTo(1);
        assertThat(client.pushes).as("held: the confirmation has not been written yet").isEmpty();
        client.subscriptions.release();
        assertThat(client.pushes).containsExactly("*3\r\n$7\r\nmessage\r\n$1\r\na\r\n$5\r\nearly\r\n");
        hub.publish(b("a"), b("later"));
        assertThat(client.pushes).hasSize(2);
    }

    @Test
    void anUnsubscribeDropsWhatWasHeldForItsChannelOnly() {
        FakeClient client = new FakeClient(2);
        client.subscriptions.subscribe(hub, names("a", "b"));
        hub.publish(b("a"), b("1"));
        hub.publish(b("b"), b("2"));
        client.subscriptions.unsubscribe(names("a"));
        hub.publish(b("a"), b("3"));
        client.subscriptions.release();
        assertThat(client.pushes).containsExactly("*3\r\n$7\r\nmessage\r\n$1\r\nb\r\n$1\r\n2\r\n");
    }

    @Test
    void aDirectDeliveryNeedsSomeSubscription() {
        FakeClient client = new FakeClient(2);
        Message invalidation = Message.of(b("__redis__:invalidate"), new RespValue.Array(List.of(
                new RespValue.BulkString(b("k")))));
        assertThat(client.subscriptions.deliverDirect(invalidation)).isFalse();
        client.subscriptions.subscribe(hub, names("__redis__:invalidate"));
        client.subscriptions.release();
        assertThat(client.subscriptions.deliverDirect(invalidation)).isTrue();
        assertThat(client.pushes).containsExactly(
                "*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n*1\r\n$1\r\nk\r\n");
    }

    private static RespValue confirmation(String kind, String name, long count) {
        return new RespValue.Push(List.of(new RespValue.BulkString(b(kind)),
                name == null ? new RespValue.Null() : new RespValue.BulkString(b(name)), new RespValue.Integer(count)));
    }
}
