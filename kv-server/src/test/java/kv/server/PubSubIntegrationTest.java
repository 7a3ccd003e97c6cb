package kv.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import kv.protocol.endpoint.RespServerConnectionFactory;
import kv.protocol.resp.RespValue;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;

/**
 * Pub/sub over TCP as applications use it: Jedis's subscribe API (a listener thread, channels
 * and patterns, unsubscribing from the callback), keyspace notifications of expiry as a cache
 * would listen to them, and the ordering guarantees under concurrency: with two event loops and
 * a publisher that never stops, a subscriber reads its SUBSCRIBE confirmation before any message
 * and never a message after its UNSUBSCRIBE confirmation.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {"kv.server.port=0", "kv.server.io-threads=2", "kv.server.notify-keyspace-events=Ex",
                "kv.server.expiry.interval=20ms"})
@DirtiesContext // its data directory goes with the class: no later class may reuse this context
class PubSubIntegrationTest extends RunningServerTest {

    @Autowired
    RespServerConnectionFactory connectionFactory;

    Jedis jedis() {
        return new Jedis("127.0.0.1", connectionFactory.getPort(), 10_000);
    }

    @Test
    void jedisSubscribersGetChannelAndPatternMessagesUntilTheyUnsubscribe() throws Exception {
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        CountDownLatch subscribed = new CountDownLatch(2);
        JedisPubSub listener = new JedisPubSub() {
            @Override
            public void onSubscribe(String channel, int subscribedChannels) {
                subscribed.countDown();
            }

            @Override
            public void onPSubscribe(String pattern, int subscribedChannels) {
                subscribed.countDown();
            }

            @Override
            public void onMessage(String channel, String message) {
                received.add(channel + "=" + message);
                if (message.equals("stop")) {
                    unsubscribe();
                    punsubscribe();
                }
            }

            @Override
            public void onPMessage(String pattern, String channel, String message) {
                received.add(pattern + ":" + channel + "=" + message);
            }
        };
        Thread thread = new Thread(() -> {
            try (Jedis subscriber = jedis()) {
                subscriber.subscribe(listener, "orders");
                // Jedis sends PSUBSCRIBE from within the loop once subscribed (below).
            }
        });
        thread.start();
        try (Jedis publisher = jedis()) {
            for (int i = 0; i < 500 && publisher.pubsubNumSub("orders").get("orders") != 1L; i++) {
                Thread.sleep(10);
            }
            listener.psubscribe("invoice.*");
            assertThat(subscribed.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(publisher.pubsubNumPat()).isEqualTo(1);
            assertThat(publisher.pubsubChannels()).containsExactly("orders");
            assertThat(publisher.publish("orders", "first")).isEqualTo(1);
            assertThat(publisher.publish("invoice.42", "paid")).isEqualTo(1);
            assertThat(publisher.publish("nobody", "lost")).isZero();
            assertThat(publisher.publish("orders", "stop")).isEqualTo(1);
            thread.join(10_000);
            assertThat(thread.isAlive()).isFalse();
            assertThat(List.copyOf(received)).containsExactly("orders=first", "invoice.*:invoice.42=paid", "orders=stop");
            assertThat(publisher.publish("orders", "after")).isZero();
            assertThat(publisher.pubsubNumSub("orders")).containsEntry("orders", 0L);
        }
    }

    @Test
    void aCacheListeningForExpiredKeysHearsOfEachOne() throws Exception {
        BlockingQueue<String> expired = new LinkedBlockingQueue<>();
        JedisPubSub listener = new JedisPubSub() {
            @Override
            public void onPMessage(String pattern, String channel, String message) {
                expired.add(channel + " " + message);
            }
        };
        Thread thread = new Thread(() -> {
            try (Jedis subscriber = jedis()) {
                subscriber.psubscribe(listener, "__keyevent@*__:expired");
            }
        });
        thread.start();
        try (Jedis client = jedis()) {
            for (int i = 0; i < 500 && client.pubsubNumPat() != 1; i++) {
                Thread.sleep(10);
            }
            client.psetex("session:1", 30, "a");
            client.select(2);
            client.psetex("session:2", 30, "b");
            List<String> heard = List.of(expired.poll(10, TimeUnit.SECONDS), expired.poll(10, TimeUnit.SECONDS));
            assertThat(heard).containsExactlyInAnyOrder("__keyevent@0__:expired session:1",
                    "__keyevent@2__:expired session:2");
            assertThat(client.get("session:2")).isNull();
        }
        finally {
            listener.punsubscribe();
            thread.join(10_000);
        }
    }

    @Test
    void confirmationsAndMessagesKeepTheirOrderAgainstAPublisherThatNeverStops() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong published = new AtomicLong();
        Thread publisher = new Thread(() -> {
            try (Jedis jedis = jedis()) {
                for (int i = 0; i < 2_000_000 && !stop.get(); i++) {
                    jedis.publish("busy", "m" + i);
                    published.incrementAndGet();
                }
            }
        });
        publisher.start();
        try {
            // Connections are spread over the two loops: open a few so that some subscriber
            // runs on the other loop than the publisher.
            for (int connection = 0; connection < 4; connection++) {
                try (RawConnection subscriber = new RawConnection(connectionFactory.getPort())) {
                    for (int round = 0; round < 50; round++) {
                        subscriber.send(command("SUBSCRIBE", "busy"));
                        assertThat(subscriber.read()).as("the first value after SUBSCRIBE")
                                .isEqualTo(push("subscribe", "busy", 1));
                        subscriber.send(command("UNSUBSCRIBE", "busy"));
                        RespValue next = subscriber.read();
                        int messages = 0;
                        while (next.equals(push("message", "busy", null)) || isMessage(next)) {
                            next = subscriber.read();
                            messages++;
                            assertThat(messages).isLessThan(1_000_000);
                        }
                        assertThat(next).isEqualTo(push("unsubscribe", "busy", 0));
                        subscriber.send(command("PING"));
                        assertThat(subscriber.read()).as("out of subscriber mode: no message after unsubscribe")
                                .isEqualTo(new RespValue.SimpleString("PONG"));
                    }
                }
            }
        }
        finally {
            stop.set(true);
            publisher.join(10_000);
        }
        assertThat(published.get()).isPositive();
    }

    private static boolean isMessage(RespValue value) {
        return value instanceof RespValue.Array array && array.elements().size() == 3
                && array.elements().get(0).equals(RespValue.BulkString.of("message"));
    }

    private static RespValue push(String kind, String channel, Integer count) {
        return new RespValue.Array(List.of(RespValue.BulkString.of(kind), RespValue.BulkString.of(channel),
                new RespValue.Integer(count == null ? -1 : count)));
    }

    private static byte[] command(String... words) {
        StringBuilder out = new StringBuilder("*" + words.length + "\r\n");
        for (String word : words) {
            out.append('$').append(word.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(word).append("\r\n");
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void resetAndClosingLeaveEveryChannel() throws IOException, InterruptedException {
        try (Jedis admin = jedis()) {
            try (RawConnection subscriber = new RawConnection(connectionFactory.getPort())) {
                subscriber.send(command("SUBSCRIBE", "a", "b"));
                subscriber.read();
                subscriber.read();
                subscriber.send(command("PSUBSCRIBE", "p*"));
                subscriber.read();
                assertThat(admin.pubsubNumSub("a", "b")).containsEntry("a", 1L).containsEntry("b", 1L);
                subscriber.send(command("RESET"));
                assertThat(subscriber.read()).isEqualTo(new RespValue.SimpleString("RESET"));
                assertThat(admin.pubsubNumSub("a", "b")).containsEntry("a", 0L).containsEntry("b", 0L);
                assertThat(admin.pubsubNumPat()).isZero();
                subscriber.send(command("SUBSCRIBE", "c"));
                subscriber.read();
                assertThat(admin.publish("c", "x")).isEqualTo(1);
            }
            long count = 1;
            for (int i = 0; i < 500 && count != 0; i++) {
                count = admin.pubsubNumSub("c").get("c");
                Thread.sleep(10);
            }
            assertThat(count).as("subscribers of c once its only subscriber closed").isZero();
            assertThat(admin.publish("c", "x")).isZero();
        }
    }
}
