package kv.compat.frameworks.lettuce;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TransactionResult;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import kv.compat.support.Target;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Lettuce, unchanged (the client under Spring Data Redis): {@code multi}/{@code exec} and
 * pub/sub, against Redis (the control), kv-server and kv-proxy. Lettuce speaks RESP3 when the
 * server answers {@code HELLO 3}, so pub/sub here is push frames on kv.
 */
class LettuceScenariosTest {

    private static final Duration DEADLINE = Duration.ofSeconds(8);
    private static final String PREFIX = "compat-lettuce-" + Long.toString(System.nanoTime(), 36) + ":";

    private static RedisClient client;

    @BeforeAll
    static void createClient() {
        client = RedisClient.create();
        client.setDefaultTimeout(Duration.ofSeconds(5));
    }

    @AfterAll
    static void shutdownClient() {
        client.shutdown();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Target.class)
    void multiExecRunsTheQueuedCommandsAndReportsEachReply(Target target) {
        try (StatefulRedisConnection<String, String> connection = connect(target)) {
            RedisCommands<String, String> redis = connection.sync();
            String key = PREFIX + "multi:" + target;
            assertThat(redis.multi()).isEqualTo("OK");
            assertThat(redis.set(key, "x")).as("queued: Lettuce answers null until EXEC").isNull();
            redis.incr(key);
            redis.get(key);
            TransactionResult result = redis.exec();
            assertThat(result.wasDiscarded()).isFalse();
            assertThat(result).hasSize(3);
            assertThat((Object) result.get(0)).isEqualTo("OK");
            assertThat((Object) result.get(1)).isInstanceOf(RedisCommandExecutionException.class);
            assertThat((Object) result.get(2)).isEqualTo("x");
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Target.class)
    void watchDiscardsTheTransactionWhenAnotherClientWrites(Target target) {
        try (StatefulRedisConnection<String, String> connection = connect(target);
             StatefulRedisConnection<String, String> other = connect(target)) {
            RedisCommands<String, String> redis = connection.sync();
            String key = PREFIX + "watch:" + target;
            redis.set(key, "1");
            assertThat(redis.watch(key)).isEqualTo("OK");
            other.sync().set(key, "100");
            redis.multi();
            redis.incr(key);
            assertThat(redis.exec().wasDiscarded()).as("EXEC after the watched key changed").isTrue();
            assertThat(redis.get(key)).isEqualTo("100");
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Target.class)
    void aSubscriberReceivesWhatIsPublished(Target target) throws InterruptedException {
        String channel = PREFIX + "channel:" + target;
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        try (StatefulRedisPubSubConnection<String, String> subscriber = client.connectPubSub(uri(target));
             StatefulRedisConnection<String, String> publisher = connect(target)) {
            subscriber.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String from, String message) {
                    received.add(from + " " + message);
                }

                @Override
                public void message(String pattern, String from, String message) {
                    received.add(pattern + " " + from + " " + message);
                }
            });
            subscriber.sync().subscribe(channel);
            subscriber.sync().psubscribe(channel + ".*");
            assertThat(publisher.sync().publish(channel, "hello")).as("PUBLISH counts the subscriber").isEqualTo(1L);
            assertThat(received.poll(DEADLINE.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(channel + " hello");
            assertThat(publisher.sync().publish(channel + ".x", "by pattern")).isEqualTo(1L);
            assertThat(received.poll(DEADLINE.toMillis(), TimeUnit.MILLISECONDS))
                    .isEqualTo(channel + ".* " + channel + ".x by pattern");
            assertThat(publisher.sync().pubsubNumsub(channel)).containsEntry(channel, 1L);

            subscriber.sync().unsubscribe(channel);
            assertThat(publisher.sync().publish(channel, "to nobody")).isEqualTo(0L);
            subscriber.sync().punsubscribe(channel + ".*");
            assertThat(subscriber.sync().ping()).as("out of subscriber mode, a normal reply").isEqualTo("PONG");
        }
        assertThat(received).as("nothing after UNSUBSCRIBE").isEmpty();
    }

    private static StatefulRedisConnection<String, String> connect(Target target) {
        return client.connect(uri(target));
    }

    private static RedisURI uri(Target target) {
        return RedisURI.create("127.0.0.1", target.port());
    }
}
