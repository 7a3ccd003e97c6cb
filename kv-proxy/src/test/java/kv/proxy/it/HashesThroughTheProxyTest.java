package kv.proxy.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import kv.proxy.backend.Backends;
import kv.proxy.testing.ProxyOverRedis;
import kv.proxy.testing.ProxyRunner;
import kv.proxy.testing.RedisServerProcess;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Hashes through the proxy in front of two redis-servers: every H* command goes to the owner of
 * its key, and hash reads are not cached (a change made straight on the backend is read at once).
 */
class HashesThroughTheProxyTest {

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

    @Test
    void hashCommandsGoToTheOwnerOfTheirKey() {
        Backends backends = proxy.bean(Backends.class);
        try (Jedis client = new Jedis("127.0.0.1", proxy.port()); Jedis onA = new Jedis("127.0.0.1", a.port());
             Jedis onB = new Jedis("127.0.0.1", b.port())) {
            for (int i = 0; i < 20; i++) {
                String key = "session-" + i;
                assertThat(client.hset(key, Map.of("user", "u" + i, "n", "1"))).isEqualTo(2);
                assertThat(client.hincrBy(key, "n", 2)).isEqualTo(3);
                Jedis owner = backends.owner(key.getBytes()).address().port() == a.port() ? onA : onB;
                assertThat(owner.hgetAll(key)).isEqualTo(Map.of("user", "u" + i, "n", "3"));
                assertThat(client.hget(key, "user")).isEqualTo("u" + i);
                assertThat(client.hmget(key, "user", "none")).containsExactly("u" + i, null);
                assertThat(client.hlen(key)).isEqualTo(2);
                assertThat(client.hexists(key, "n")).isTrue();
                assertThat(client.hkeys(key)).containsExactlyInAnyOrder("user", "n");
                assertThat(client.hstrlen(key, "user")).isEqualTo(("u" + i).length());
                assertThat(client.hdel(key, "n")).isEqualTo(1);
                assertThat(client.hsetnx(key, "user", "x")).isEqualTo(0);
                assertThat(client.type(key)).isEqualTo("hash");
            }
            client.set("plain", "v");
            assertThatThrownBy(() -> client.hset("plain", "f", "v")).isInstanceOf(JedisDataException.class)
                    .hasMessage("WRONGTYPE Operation against a key holding the wrong kind of value");
        }
    }

    @Test
    void hashReadsAreNotCachedSoABackendChangeIsReadAtOnce() {
        Backends backends = proxy.bean(Backends.class);
        try (Jedis client = new Jedis("127.0.0.1", proxy.port()); Jedis onA = new Jedis("127.0.0.1", a.port());
             Jedis onB = new Jedis("127.0.0.1", b.port())) {
            String key = "cachedhash";
            Jedis owner = backends.owner(key.getBytes()).address().port() == a.port() ? onA : onB;
            client.hset(key, "f", "1");
            long hits = proxy.cache().stats().hits();
            long misses = proxy.cache().stats().misses();
            for (int i = 2; i < 50; i++) {
                owner.hset(key, "f", Integer.toString(i)); // straight on the backend: no window at all
                assertThat(client.hget(key, "f")).isEqualTo(Integer.toString(i));
            }
            assertThat(proxy.cache().stats().hits()).isEqualTo(hits);
            assertThat(proxy.cache().stats().misses()).isEqualTo(misses);
        }
    }
}
