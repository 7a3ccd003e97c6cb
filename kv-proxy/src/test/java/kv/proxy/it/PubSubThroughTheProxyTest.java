package kv.proxy.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import kv.protocol.resp.RespValue;
import kv.protocol.resp.Request;
import kv.proxy.backend.Backends;
import kv.proxy.pubsub.PubSubHub;
import kv.proxy.testing.Await;
import kv.proxy.testing.ProxyOverRedis;
import kv.proxy.testing.ProxyRunner;
import kv.proxy.testing.RedisServerProcess;
import kv.proxy.testing.RespClient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

/**
 * Pub/sub through the proxy in front of two real redis-servers: subscribers of the proxy get every
 * message, whether published through the proxy or straight to either backend, in RESP2 subscriber
 * mode and as RESP3 pushes; a lost backend subscriber connection subscribes again.
 */
class PubSubThroughTheProxyTest {

    @RegisterExtension
    static final ProxyOverRedis setup = ProxyOverRedis.backends(2);

    static RedisServerProcess a;
    static RedisServerProcess b;
    static ProxyRunner proxy;

    @BeforeAll
    static void names() {
        a = setup.redis(0);
        b = setup.redis(1);
        proxy = setup.proxy();
    }

    static RespValue frame(String... words) {
        return new RespValue.Array(java.util.Arrays.stream(words).map(w -> (RespValue) RespValue.BulkString.of(w)).toList());
    }

    static RespValue confirmation(String kind, String name, long count) {
        return new RespValue.Array(List.of(RespValue.BulkString.of(kind), RespValue.BulkString.of(name),
                new RespValue.Integer(count)));
    }

    @Test
    void aResp2SubscriberGetsMessagesPublishedThroughTheProxyAndStraightToEitherBackend() throws Exception {
        try (RespClient subscriber = new RespClient(proxy.port()); RespClient publisher = new RespClient(proxy.port());
             Jedis onA = new Jedis("127.0.0.1", a.port()); Jedis onB = new Jedis("127.0.0.1", b.port())) {
            subscriber.send("SUBSCRIBE", "news", "sport");
            assertThat(subscriber.read()).isEqualTo(confirmation("subscribe", "news", 1));
            assertThat(subscriber.read()).isEqualTo(confirmation("subscribe", "sport", 2));
            // Published through the proxy: one receiver, the subscriber of the proxy.
            assertThat(publisher.call("PUBLISH", "news", "through the proxy")).isEqualTo(new RespValue.Integer(1));
            assertThat(subscriber.read()).isEqualTo(frame("message", "news", "through the proxy"));
            onA.publish("news", "straight to a");
            assertThat(subscriber.read()).isEqualTo(frame("message", "news", "straight to a"));
            onB.publish("sport", "straight to b");
            assertThat(subscriber.read()).isEqualTo(frame("message", "sport", "straight to b"));

            // Subscriber mode, word for word as Redis.
            subscriber.send("GET", "x");
            assertThat(subscriber.read()).isEqualTo(new RespValue.Error("ERR Can't execute 'get': only (P|S)SUBSCRIBE /"
                    + " (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context"));
            subscriber.send("PING");
            assertThat(subscriber.read()).isEqualTo(frame("pong", ""));

            subscriber.send("PSUBSCRIBE", "n*");
            assertThat(subscriber.read()).isEqualTo(confirmation("psubscribe", "n*", 3));
            assertThat(publisher.call("PUBLISH", "news", "both")).isEqualTo(new RespValue.Integer(2));
            assertThat(subscriber.read()).isEqualTo(frame("message", "news", "both"));
            assertThat(subscriber.read()).isEqualTo(frame("pmessage", "n*", "news", "both"));

            assertThat(publisher.call("PUBSUB", "NUMSUB", "news", "none")).isEqualTo(new RespValue.Array(List.of(
                    RespValue.BulkString.of("news"), new RespValue.Integer(1),
                    RespValue.BulkString.of("none"), new RespValue.Integer(0))));
            assertThat(publisher.call("PUBSUB", "NUMPAT")).isEqualTo(new RespValue.Integer(1));
            RespValue channels = publisher.call("PUBSUB", "CHANNELS");
            assertThat(((RespValue.Array) channels).elements()).containsExactlyInAnyOrder(
                    RespValue.BulkString.of("news"), RespValue.BulkString.of("sport"));

            subscriber.send("UNSUBSCRIBE");
            assertThat(subscriber.read()).isEqualTo(confirmation("unsubscribe", "news", 2));
            assertThat(subscriber.read()).isEqualTo(confirmation("unsubscribe", "sport", 1));
            subscriber.send("PUNSUBSCRIBE");
            assertThat(subscriber.read()).isEqualTo(confirmation("punsubscribe", "n*", 0));
            // Out of subscriber mode: commands run again; the backends were unsubscribed.
            assertThat(subscriber.call("PING")).isEqualTo(new RespValue.SimpleString("PONG"));
            Await.until("the backends to be unsubscribed", Duration.ofSeconds(5),
                    () -> onA.pubsubNumSub("news").get("news") == 0 && onB.pubsubNumPat() == 0);
            assertThat(publisher.call("PUBLISH", "news", "nobody")).isEqualTo(new RespValue.Integer(0));
        }
    }

    @Test
    void aResp3SubscriberGetsPushesMixedWithItsReplies() throws Exception {
        try (RespClient subscriber = new RespClient(proxy.port()); Jedis onB = new Jedis("127.0.0.1", b.port())) {
            subscriber.call("HELLO", "3");
            subscriber.send("SUBSCRIBE", "resp3");
            assertThat(subscriber.read()).isEqualTo(new RespValue.Push(List.of(RespValue.BulkString.of("subscribe"),
                    RespValue.BulkString.of("resp3"), new RespValue.Integer(1))));
            assertThat(subscriber.call("SET", "k3", "v")).isEqualTo(new RespValue.SimpleString("OK"));
            onB.publish("resp3", "pushed");
            assertThat(subscriber.read()).isEqualTo(new RespValue.Push(List.of(RespValue.BulkString.of("message"),
                    RespValue.BulkString.of("resp3"), RespValue.BulkString.of("pushed"))));
            assertThat(subscriber.call("GET", "k3")).isEqualTo(RespValue.BulkString.of("v"));
        }
    }

    @Test
    void aPipelinedSubscribeAndPublishKeepsTheConfirmationFirst() throws Exception {
        try (RespClient subscriber = new RespClient(proxy.port()); Jedis publisher = new Jedis("127.0.0.1", proxy.port())) {
            for (int i = 0; i < 20; i++) {
                String channel = "order-" + i;
                subscriber.pipeline(Request.of("SUBSCRIBE", channel));
                assertThat(subscriber.read()).isEqualTo(confirmation("subscribe", channel, i + 1));
                assertThat(publisher.publish(channel, "m" + i)).isEqualTo(1); // the subscription is in place on the backends
                assertThat(subscriber.read()).isEqualTo(frame("message", channel, "m" + i));
            }
            subscriber.send("UNSUBSCRIBE");
            for (int i = 0; i < 20; i++) {
                subscriber.read();
            }
        }
    }

    @Test
    void aClientThatClosesIsUnsubscribedOnTheBackends() throws Exception {
        try (Jedis onA = new Jedis("127.0.0.1", a.port())) {
            try (RespClient subscriber = new RespClient(proxy.port())) {
                subscriber.send("SUBSCRIBE", "leaving");
                subscriber.read();
                assertThat(onA.pubsubNumSub("leaving").get("leaving")).isEqualTo(1L);
            }
            Await.until("the proxy to unsubscribe", Duration.ofSeconds(5),
                    () -> onA.pubsubNumSub("leaving").get("leaving") == 0);
        }
    }

    @Test
    void theSubscriberConnectionsOpenWithTheFirstSubscription() throws Exception {
        // Opened lazily: the @BeforeAll proxy had none until a test subscribed (then one per backend).
        try (RespClient subscriber = new RespClient(proxy.port())) {
            subscriber.send("SUBSCRIBE", "lazy");
            subscriber.read();
            assertThat(proxy.bean(PubSubHub.class).connected()).isTrue();
            subscriber.send("UNSUBSCRIBE");
            subscriber.read();
        }
    }

    @Test
    void aLostBackendSubscriberConnectionSubscribesAgain() throws Exception {
        try (RespClient subscriber = new RespClient(proxy.port()); Jedis onA = new Jedis("127.0.0.1", a.port())) {
            subscriber.send("SUBSCRIBE", "survives");
            subscriber.read();
            onA.clientKill(new redis.clients.jedis.params.ClientKillParams().type(redis.clients.jedis.args.ClientType.PUBSUB));
            Await.until("the proxy to subscribe again", Duration.ofSeconds(10),
                    () -> onA.pubsubNumSub("survives").get("survives") == 1);
            onA.publish("survives", "after the reconnect");
            assertThat(subscriber.read()).isEqualTo(frame("message", "survives", "after the reconnect"));
            subscriber.send("UNSUBSCRIBE");
            subscriber.read();
        }
    }

    @Test
    void publishGoesToTheBackendOwningTheChannel() throws Exception {
        Backends backends = proxy.bean(Backends.class);
        try (Jedis client = new Jedis("127.0.0.1", proxy.port()); Jedis onA = new Jedis("127.0.0.1", a.port());
             Jedis onB = new Jedis("127.0.0.1", b.port())) {
            String channel = "owned";
            boolean onAOwns = backends.owner(channel.getBytes()).address().port() == a.port();
            try (RespClient direct = new RespClient(onAOwns ? a.port() : b.port())) {
                direct.send("SUBSCRIBE", channel);
                direct.read();
                assertThat(client.publish(channel, "x")).isEqualTo(1); // the direct subscriber on the owner
                assertThat(direct.read()).isEqualTo(frame("message", channel, "x"));
            }
        }
    }
}
