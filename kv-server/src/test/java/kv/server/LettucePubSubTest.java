package kv.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import kv.protocol.endpoint.RespServerConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;

/**
 * Lettuce's pub/sub API, in RESP3 (its default: messages are push frames, and the same
 * connection runs other commands) and in RESP2 (subscriber mode), against kv-server.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {"kv.server.port=0", "kv.server.notify-keyspace-events=K$"})
@DirtiesContext // its data directory goes with the class: no later class may reuse this context
class LettucePubSubTest extends RunningServerTest {

    @Autowired
    RespServerConnectionFactory connectionFactory;

    RedisClient client;

    @BeforeEach
    void client() {
        client = RedisClient.create(RedisURI.create("127.0.0.1", connectionFactory.getPort()));
        client.setDefaultTimeout(Duration.ofSeconds(10));
    }

    @AfterEach
    void shutdown() {
        client.shutdown(Duration.ZERO, Duration.ofSeconds(5));
    }

    @ParameterizedTest
    @EnumSource(value = ProtocolVersion.class, names = {"RESP2", "RESP3"})
    void lettuceSubscribersReceiveMessagesPatternMessagesAndKeyspaceEvents(ProtocolVersion protocol)
            throws InterruptedException {
        client.setOptions(ClientOptions.builder().protocolVersion(protocol).build());
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        try (StatefulRedisPubSubConnection<String, String> subscriber = client.connectPubSub();
             StatefulRedisConnection<String, String> publisher = client.connect()) {
            subscriber.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String channel, String message) {
                    received.add(channel + "=" + message);
                }

                @Override
                public void message(String pattern, String channel, String message) {
                    received.add(pattern + ":" + channel + "=" + message);
                }
            });
            subscriber.sync().subscribe("chat", "__keyspace@0__:counter");
            subscriber.sync().psubscribe("room.*");
            assertThat(publisher.sync().pubsubNumsub("chat")).containsEntry("chat", 1L);

            assertThat(publisher.sync().publish("chat", "hello")).isEqualTo(1);
            assertThat(publisher.sync().publish("room.1", "hi")).isEqualTo(1);
            publisher.sync().incr("counter");
            List<String> messages = List.of(poll(received), poll(received), poll(received));
            assertThat(messages).containsExactly("chat=hello", "room.*:room.1=hi", "__keyspace@0__:counter=incrby");

            if (protocol == ProtocolVersion.RESP3) {
                // RESP3: the subscribed connection runs any command, its replies among the pushes.
                subscriber.sync().set("from-subscriber", "ok");
                assertThat(publisher.sync().get("from-subscriber")).isEqualTo("ok");
            }
            subscriber.sync().unsubscribe("chat");
            subscriber.sync().punsubscribe();
            assertThat(publisher.sync().publish("chat", "gone")).isZero();
            assertThat(publisher.sync().publish("room.1", "gone")).isZero();
            assertThat(publisher.sync().pubsubNumpat()).isZero();
            assertThat(received).isEmpty();
        }
    }

    private static String poll(BlockingQueue<String> queue) throws InterruptedException {
        String next = queue.poll(10, TimeUnit.SECONDS);
        assertThat(next).as("a message within 10 s").isNotNull();
        return next;
    }
}
