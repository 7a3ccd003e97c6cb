package kv.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import kv.protocol.endpoint.RespServerConnectionFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.SetParams;

/**
 * {@code SET key value NX} from clients served by two event loops at once: for every key exactly
 * one client wins, and the key holds the winner's value, also read back through the value cache.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {"kv.server.port=0", "kv.server.io-threads=2"})
class ConditionalSetAcrossLoopsTest extends RunningServerTest {

    private static final int CLIENTS = 4;
    private static final int KEYS = 500;

    @Autowired
    RespServerConnectionFactory connectionFactory;

    @ParameterizedTest
    @ValueSource(strings = {"nx", "nx-get"})
    void exactlyOneClientWinsEachKey(String variant) throws Exception {
        String prefix = variant + ":";
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        try {
            List<Future<List<Integer>>> wins = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                String me = "client" + c;
                wins.add(pool.submit(() -> {
                    List<Integer> won = new ArrayList<>();
                    try (Jedis jedis = new Jedis("127.0.0.1", connectionFactory.getPort(), 10_000)) {
                        for (int k = 0; k < KEYS; k++) {
                            boolean mine = variant.equals("nx")
                                    ? "OK".equals(jedis.set(prefix + k, me, SetParams.setParams().nx()))
                                    : jedis.setGet(prefix + k, me, SetParams.setParams().nx()) == null;
                            if (mine) {
                                won.add(k);
                            }
                        }
                    }
                    return won;
                }));
            }
            String[] winner = new String[KEYS];
            for (int c = 0; c < CLIENTS; c++) {
                for (int k : wins.get(c).get(60, TimeUnit.SECONDS)) {
                    assertThat(winner[k]).as("a second winner of key %d", k).isNull();
                    winner[k] = "client" + c;
                }
            }
            try (Jedis jedis = new Jedis("127.0.0.1", connectionFactory.getPort(), 10_000)) {
                for (int k = 0; k < KEYS; k++) {
                    assertThat(winner[k]).as("a winner of key %d", k).isNotNull();
                    assertThat(jedis.get(prefix + k)).as("value of key %d", k).isEqualTo(winner[k]);
                }
            }
        }
        finally {
            pool.shutdownNow();
        }
    }
}
