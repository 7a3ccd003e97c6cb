package kv.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import kv.protocol.resp.Replies;
import kv.protocol.resp.RespValue;
import kv.protocol.endpoint.RespServerConnectionFactory;
import kv.server.testing.Actuator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.SetParams;

/** The real server on random ports, driven by Jedis and by raw sockets. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {"kv.server.port=0", "spring.security.user.name=" + Actuator.USER,
        "spring.security.user.password=" + Actuator.PASSWORD})
class KvServerIntegrationTest extends RunningServerTest {

    @Autowired
    RespServerConnectionFactory connectionFactory;

    @LocalServerPort
    int httpPort;

    int port;

    @BeforeEach
    void flush() {
        port = connectionFactory.getPort();
        try (Jedis jedis = jedis()) {
            jedis.flushDB();
        }
    }

    Jedis jedis() {
        return new Jedis("127.0.0.1", port, 10_000);
    }

    @Test
    void jedisSetsGetsDeletesAndReadsManyKeys() {
        try (Jedis jedis = jedis()) {
            assertThat(jedis.ping()).isEqualTo("PONG");
            assertThat(jedis.set("Fname", "Sayali")).isEqualTo("OK");
            assertThat(jedis.get("Fname")).isEqualTo("Sayali");
            assertThat(jedis.get("missing")).isNull();
            assertThat(jedis.mset("a", "1", "b", "2")).isEqualTo("OK");
            assertThat(jedis.mget("a", "missing", "b")).containsExactly("1", null, "2");
            assertThat(jedis.exists("a", "b", "missing", "a")).isEqualTo(3);
            assertThat(jedis.del("a", "missing")).isEqualTo(1);
            assertThat(jedis.get("a")).isNull();
            assertThat(jedis.dbSize()).isEqualTo(2);
            assertThat(jedis.echo("hi")).isEqualTo("hi");
        }
    }

    @Test
    void setTakesRedisConditionsAndGet() {
        try (Jedis jedis = jedis()) {
            assertThat(jedis.set("lock", "a", SetParams.setParams().nx())).isEqualTo("OK");
            assertThat(jedis.set("lock", "b", SetParams.setParams().nx())).as("NX on a key that exists").isNull();
            assertThat(jedis.get("lock")).isEqualTo("a");
            assertThat(jedis.set("absent", "x", SetParams.setParams().xx())).as("XX on an absent key").isNull();
            assertThat(jedis.exists("absent")).isFalse();
            assertThat(jedis.set("lock", "c", SetParams.setParams().xx())).isEqualTo("OK");
            assertThat(jedis.setGet("lock", "d")).as("GET answers the value before").isEqualTo("c");
            assertThat(jedis.setGet("fresh", "1")).isNull();
            assertThat(jedis.setGet("lock", "e", SetParams.setParams().nx())).as("NX GET on a key that exists").isEqualTo("d");
            assertThat(jedis.mget("lock", "fresh")).containsExactly("d", "1");
            assertThat(jedis.set("lock", "f", SetParams.setParams().keepTtl())).isEqualTo("OK");
        }
    }

    @Test
    void setOptionsSeeTheConnectionsOwnPipelinedWritesAndBadOptionsAreSyntaxErrors() throws IOException {
        try (RawConnection client = new RawConnection(port)) {
            client.send("SET p 1\r\nSET p 2 GET\r\nSET p 3 NX\r\nSET q 1 XX\r\nGET p\r\n");
            assertThat(client.read()).isEqualTo(Replies.OK);
            assertThat(client.read()).isEqualTo(Replies.bulk("1"));
            assertThat(client.read()).isEqualTo(Replies.NULL);
            assertThat(client.read()).isEqualTo(Replies.NULL);
            assertThat(client.read()).isEqualTo(Replies.bulk("2"));

            assertThat(client.send("SET p 4 NX XX\r\n").read()).isEqualTo(Replies.error("ERR syntax error"));
            assertThat(client.send("SET p 4 SOON\r\n").read()).isEqualTo(Replies.error("ERR syntax error"));
            assertThat(client.send("GET p\r\n").read()).isEqualTo(Replies.bulk("2"));
        }
    }

    @Test
    void aThousandPipelinedCommandsAreAnsweredInOrder() {
        try (Jedis jedis = jedis()) {
            Pipeline pipeline = jedis.pipelined();
            List<Response<String>> replies = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                pipeline.set("key:" + i, "value:" + i);
                replies.add(pipeline.get("key:" + i));
            }
            pipeline.sync();
            for (int i = 0; i < 500; i++) {
                assertThat(replies.get(i).get()).isEqualTo("value:" + i);
            }
        }
    }

    @Test
    void pipelinedWritesAreAppliedInOrderAndVisibleToOthersOnceAcknowledged() {
        try (Jedis writer = jedis(); Jedis reader = jedis()) {
            Pipeline pipeline = writer.pipelined();
            for (int i = 0; i < 3000; i++) {
                pipeline.set("k" + (i % 1000), "v" + i); // each key written three times, last one wins
            }
            Response<String> readBack = pipeline.get("k999");
            pipeline.sync();
            assertThat(readBack.get()).as("a connection reads its own staged writes").isEqualTo("v2999");
            assertThat(reader.dbSize()).isEqualTo(1000);
            for (int i = 0; i < 1000; i++) {
                assertThat(reader.get("k" + i)).isEqualTo("v" + (2000 + i));
            }
        }
    }

    @Test
    void pipelinedWritesSendAnInvalidationForEveryKey() throws IOException {
        try (RawConnection tracker = new RawConnection(port); Jedis writer = jedis()) {
            tracker.send("HELLO 3\r\n").read();
            assertThat(tracker.send("CLIENT TRACKING ON BCAST\r\n").read()).isEqualTo(Replies.OK);
            Pipeline pipeline = writer.pipelined();
            pipeline.set("p1", "a");
            pipeline.set("p2", "b");
            pipeline.sync();
            List<RespValue> invalidated = new ArrayList<>();
            while (invalidated.size() < 2) {
                RespValue push = tracker.read();
                assertThat(push).isInstanceOf(RespValue.Push.class);
                invalidated.addAll(((RespValue.Array) ((RespValue.Push) push).elements().get(1)).elements());
            }
            assertThat(invalidated).containsExactly(Replies.bulk("p1"), Replies.bulk("p2"));
        }
    }

    @Test
    void theAssignmentsCommandsWorkOnARawSocket() throws IOException {
        try (RawConnection raw = new RawConnection(port)) {
            assertThat(raw.send("PUT Fname = Sayali\r\n").read()).isEqualTo(Replies.OK);
            assertThat(raw.send("PUT Lname = Deshmukh\r\n").read()).isEqualTo(Replies.OK);
            assertThat(raw.send("GET Fname\r\n").read()).isEqualTo(Replies.bulk("Sayali"));
            assertThat(raw.send("put greeting = hello world\r\n").read()).isEqualTo(Replies.OK);
            assertThat(raw.send("get greeting\r\n").read()).isEqualTo(Replies.bulk("hello world"));
            assertThat(raw.send("DUMP\r\n").read()).isEqualTo(new RespValue.Array(List.of(
                    Replies.bulk("Fname"), Replies.bulk("Sayali"),
                    Replies.bulk("Lname"), Replies.bulk("Deshmukh"),
                    Replies.bulk("greeting"), Replies.bulk("hello world"))));
            assertThat(raw.send("DUMP *name\r\n").read()).isEqualTo(new RespValue.Array(List.of(
                    Replies.bulk("Fname"), Replies.bulk("Sayali"),
                    Replies.bulk("Lname"), Replies.bulk("Deshmukh"))));
            assertThat(raw.send("QUIT\r\n").read()).isEqualTo(Replies.OK);
            assertThat(raw.closedByServer()).isTrue();
        }
    }

    @Test
    void dumpStreamsEveryPairInKeyOrder() {
        try (Jedis jedis = jedis()) {
            for (int i = 0; i < 5000; i += 500) {
                List<String> pairs = new ArrayList<>();
                for (int j = i; j < i + 500; j++) {
                    pairs.add(String.format("k%05d", j));
                    pairs.add("v" + j);
                }
                jedis.mset(pairs.toArray(new String[0]));
            }
            @SuppressWarnings("unchecked")
            List<byte[]> dump = (List<byte[]>) jedis.sendCommand(() -> "DUMP".getBytes(StandardCharsets.US_ASCII));
            assertThat(dump).hasSize(10_000);
            for (int j = 0; j < 5000; j++) {
                assertThat(new String(dump.get(2 * j), StandardCharsets.UTF_8)).isEqualTo(String.format("k%05d", j));
                assertThat(new String(dump.get(2 * j + 1), StandardCharsets.UTF_8)).isEqualTo("v" + j);
            }
        }
    }

    @Test
    void unknownCommandsAndWrongArityGetRedisErrors() throws IOException {
        try (RawConnection raw = new RawConnection(port)) {
            assertThat(raw.send("FOO bar\r\n").read())
                    .isEqualTo(Replies.error("ERR unknown command 'FOO', with args beginning with: 'bar' "));
            assertThat(raw.send("GET\r\n").read())
                    .isEqualTo(Replies.error("ERR wrong number of arguments for 'get' command"));
            assertThat(raw.send("PING\r\n").read()).as("the connection stays usable").isEqualTo(Replies.PONG);
        }
        try (Jedis jedis = jedis()) {
            assertThatThrownBy(() -> jedis.sendCommand(() -> "NOPE".getBytes(StandardCharsets.US_ASCII)))
                    .isInstanceOf(JedisDataException.class).hasMessageStartingWith("ERR unknown command 'NOPE'");
        }
    }

    @Test
    void aProtocolErrorIsAnsweredThenTheConnectionIsClosed() throws IOException {
        try (RawConnection raw = new RawConnection(port)) {
            assertThat(raw.send("*1\r\n$-7\r\n").read()).isEqualTo(Replies.protocolError("invalid bulk length"));
            assertThat(raw.closedByServer()).isTrue();
        }
    }

    @Test
    void garbageAndAHugeDeclaredLengthDoNotDisturbAnotherClient() throws Exception {
        try (Jedis bystander = jedis(); RawConnection garbage = new RawConnection(port);
             RawConnection huge = new RawConnection(port)) {
            bystander.set("safe", "yes");
            byte[] random = new byte[1024 * 1024];
            new Random(1).nextBytes(random);
            random[0] = '*';
            random[1] = '1';
            random[2] = '\r';
            random[3] = '\n';
            random[4] = '$';
            try {
                garbage.send(random);
            }
            catch (IOException closedWhileWriting) {
                // the server may close before we finish sending a megabyte of garbage
            }
            assertThat(garbage.read()).isInstanceOf(RespValue.Error.class)
                    .extracting(e -> ((RespValue.Error) e).message()).asString().startsWith("ERR Protocol error");

            huge.send("*2\r\n$3\r\nGET\r\n$2147483648\r\n");
            assertThat(huge.read()).isEqualTo(Replies.protocolError("invalid bulk length"));
            assertThat(huge.closedByServer()).isTrue();

            assertThat(bystander.get("safe")).isEqualTo("yes");
        }
    }

    @Test
    void infoReportsCommandStatsAsRedisPrintsThem() {
        try (Jedis jedis = jedis()) {
            jedis.configResetStat();
            jedis.set("x", "1");
            jedis.get("x");
            jedis.get("x");
            String info = jedis.info("commandstats");
            assertThat(info).contains("# Commandstats").containsPattern("cmdstat_get:calls=2,usec=\\d+,usec_per_call=");
            String all = jedis.info();
            assertThat(all).contains("# Server", "redis_version:", "# Clients", "connected_clients:",
                    "# Stats", "# Keyspace");
        }
    }

    @Test
    void resp3HelloSwitchesProtocolForThatConnectionOnly() throws IOException {
        try (RawConnection raw = new RawConnection(port)) {
            RespValue hello = raw.send("HELLO 3\r\n").read();
            assertThat(hello).isInstanceOf(RespValue.Map.class);
            raw.send("GET missing\r\n");
            assertThat(raw.read()).isEqualTo(Replies.NULL);
        }
    }

    @Test
    void trackingPushesInvalidationsForKeysReadAndForBroadcast() throws IOException {
        try (RawConnection tracker = new RawConnection(port); RawConnection broadcast = new RawConnection(port);
             Jedis writer = jedis()) {
            tracker.send("HELLO 3\r\n").read();
            assertThat(tracker.send("CLIENT TRACKING ON\r\n").read()).isEqualTo(Replies.OK);
            broadcast.send("HELLO 3\r\n").read();
            assertThat(broadcast.send("CLIENT TRACKING ON BCAST PREFIX user:\r\n").read()).isEqualTo(Replies.OK);
            tracker.send("GET user:1\r\n").read();

            writer.set("user:1", "Sayali");
            writer.set("other", "x");
            RespValue expected = new RespValue.Push(List.of(Replies.bulk("invalidate"),
                    new RespValue.Array(List.of(Replies.bulk("user:1")))));
            assertThat(tracker.read()).isEqualTo(expected);
            assertThat(broadcast.read()).isEqualTo(expected);

            writer.set("user:1", "again");
            assertThat(broadcast.read()).as("broadcast hears every write").isEqualTo(expected);
            assertThat(tracker.send("PING\r\n").read())
                    .as("default mode hears once per read, so the tracker gets no second push")
                    .isEqualTo(Replies.PONG);
        }
    }

    @Test
    void actuatorShowsStorageHealthAndCommandMetrics() throws Exception {
        try (Jedis jedis = jedis()) {
            jedis.get("x");
        }
        HttpClient http = HttpClient.newHttpClient();
        String health = new Actuator(httpPort).getAuthenticated("/actuator/health").body(); // details: to the Actuator user
        assertThat(health).contains("\"storage\"").contains("\"status\":\"UP\"").contains("rocksdb");
        String prometheus = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort
                + "/actuator/prometheus")).build(), HttpResponse.BodyHandlers.ofString()).body();
        assertThat(prometheus).contains("kv_commands_seconds_count{command=\"get\"")
                .contains("kv_clients_connected").contains("kv_keys");
    }
}
