package kv.proxy.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import kv.protocol.resp.RespValue;
import kv.proxy.backend.Backends;
import kv.proxy.testing.ProxyRunner;
import kv.proxy.testing.RedisServerProcess;
import kv.proxy.testing.RespClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The string and keyspace commands through a proxy in front of two backends, each reply compared
 * with Debian's {@code redis-server} answering the same commands alone: the proxy must answer as
 * one Redis would, its keys spread over two servers. Run once in front of two Redis servers and
 * once in front of two kv-servers ({@link KeyspaceThroughTheProxyOnRedisTest},
 * {@link KeyspaceThroughTheProxyOnKvServersTest}).
 */
abstract class KeyspaceThroughTheProxyChecks {

    @TempDir
    static Path work;

    static RedisServerProcess reference;
    static ProxyRunner proxy;
    static final List<AutoCloseable> backends = new ArrayList<>();

    RespClient client;
    RespClient redis;

    /** Starts the two backends; returns their ports. */
    abstract List<Integer> startBackends() throws Exception;

    @BeforeEach
    void connect() throws Exception {
        assumeTrue(RedisServerProcess.available(), "redis-server is not installed");
        if (proxy == null) {
            reference = RedisServerProcess.start(work);
            proxy = ProxyRunner.start(startBackends());
            proxy.awaitCoherent();
        }
        client = new RespClient(proxy.port());
        redis = new RespClient(reference.port());
        same("FLUSHALL");
    }

    @AfterAll
    static void stop() throws Exception {
        if (proxy != null) {
            proxy.close();
            proxy = null;
        }
        for (AutoCloseable backend : backends) {
            backend.close();
        }
        backends.clear();
        if (reference != null) {
            reference.close();
        }
    }

    @Test
    void expiryCommandsAnswerAsRedis() throws Exception {
        same("SET", "e1", "v", "EX", "100");
        same("SET", "e2", "v", "PX", "100000", "NX");
        same("SET", "e2", "w", "XX", "KEEPTTL", "GET");
        same("GET", "e2");
        near("TTL", "e1");
        near("PTTL", "e2");
        same("SETEX", "e3", "50", "x");
        same("PSETEX", "e4", "50000", "y");
        same("SETEX", "e3", "-5", "x");
        same("GETEX", "e3", "PERSIST");
        same("TTL", "e3");
        same("GETEX", "e4", "EX", "200");
        near("TTL", "e4");
        same("EXPIRE", "e3", "100", "NX");
        same("EXPIRE", "e3", "50", "GT");
        same("EXPIRE", "e3", "50", "LT");
        same("PEXPIRE", "e3", "9999999", "XX");
        same("EXPIREAT", "e1", "99999999999");
        same("EXPIRETIME", "e1");
        same("PEXPIREAT", "e1", "99999999999000");
        same("PEXPIRETIME", "e1");
        same("PERSIST", "e1");
        same("PERSIST", "e1");
        same("TTL", "missing");
        same("PTTL", "e1");
        same("EXPIRE", "e1", "notanumber");
        same("SET", "e5", "v", "EX", "0");
        same("SET", "e5", "v", "EX", "10", "PX", "10");
        same("EXPIRE", "e1");
    }

    @Test
    void aCachedValueIsWithdrawnByEveryWriteThatChangesIt() throws Exception {
        same("SET", "w", "10");
        same("GET", "w");
        same("GET", "w"); // cached
        for (String[] write : List.of(new String[] {"INCR", "w"}, new String[] {"DECRBY", "w", "3"},
                new String[] {"INCRBYFLOAT", "w", "0.5"}, new String[] {"APPEND", "w", "x"},
                new String[] {"SETRANGE", "w", "0", "Z"}, new String[] {"GETSET", "w", "7"},
                new String[] {"SETEX", "w", "100", "8"}, new String[] {"GETEX", "w", "PERSIST"},
                new String[] {"GETDEL", "w"}, new String[] {"SETNX", "w", "9"}, new String[] {"UNLINK", "w"},
                new String[] {"MSETNX", "w", "11"})) {
            same(write);
            same("GET", "w");
            same("GET", "w");
        }
        same("PSETEX", "w", "100", "short");
        same("GET", "w");
        Thread.sleep(150);
        same("GET", "w"); // expired, whether or not its invalidation came
    }

    @Test
    void countersAndStringsAnswerAsRedis() throws Exception {
        same("INCR", "c");
        same("INCRBY", "c", "9223372036854775806");
        same("INCR", "c");
        same("DECR", "c2");
        same("DECRBY", "c2", "-5");
        same("INCRBYFLOAT", "f", "1.5e3");
        same("INCRBYFLOAT", "f", "abc");
        same("SET", "s", "hello");
        same("INCR", "s");
        same("APPEND", "s", " world");
        same("STRLEN", "s");
        same("GETRANGE", "s", "-5", "-1");
        same("SETRANGE", "s", "20", "!");
        same("GET", "s");
        same("GETDEL", "s");
        same("GETSET", "s", "new");
        same("SETNX", "s", "other");
        same("TYPE", "s");
        same("TYPE", "nothing");
        same("TOUCH", "s", "c", "nothing", "f");
        same("EXISTS", "s", "c", "nothing");
        same("UNLINK", "s", "c", "nothing");
        same("DBSIZE");
    }

    @Test
    void twoKeyCommandsOnKeysOfOneBackendAnswerAsRedis() throws Exception {
        String[] pair = keysOnOneBackend("pair");
        same("SET", pair[0], "v");
        same("GET", pair[0]);
        same("RENAME", pair[0], pair[1]);
        same("GET", pair[0]);
        same("GET", pair[1]);
        same("RENAMENX", pair[1], pair[0]);
        same("COPY", pair[0], pair[1]);
        same("COPY", pair[0], pair[1], "REPLACE");
        same("GET", pair[1]);
        same("MSETNX", pair[0], "a", pair[1], "b");
        same("DEL", pair[0]);
        same("RENAME", pair[0], pair[1]);
    }

    @Test
    void keysAndScanCoverEveryBackendInOneCursorSpace() throws Exception {
        Set<String> written = new HashSet<>();
        for (int i = 0; i < 300; i++) {
            same("SET", "scan:" + i, "v");
            written.add("scan:" + i);
        }
        same("SET", "other", "v");
        assertThat(strings(client.call("KEYS", "scan:*"))).containsExactlyInAnyOrderElementsOf(written);
        assertThat(strings(client.call("KEYS", "*"))).hasSize(301);

        Set<String> scanned = new HashSet<>();
        String cursor = "0";
        int pages = 0;
        do {
            RespValue.Array page = (RespValue.Array) client.call("SCAN", cursor, "MATCH", "scan:*", "COUNT", "50");
            cursor = ((RespValue.BulkString) page.elements().get(0)).asString();
            Long.parseUnsignedLong(cursor); // an integer, as clients parse it
            scanned.addAll(strings(page.elements().get(1)));
            pages++;
        } while (!cursor.equals("0") && pages < 1000);
        assertThat(scanned).isEqualTo(written);
        assertThat(pages).as("more than one page per backend").isGreaterThan(2);

        same("SCAN", "notacursor");
        same("SCAN", "0", "COUNT", "0");
        assertThat(client.call("RANDOMKEY")).isInstanceOf(RespValue.BulkString.class);
        same("FLUSHALL");
        same("RANDOMKEY");
        same("SCAN", "0");
        same("KEYS", "*");
    }

    @Test
    void databasesAreSeparate() throws Exception {
        same("SET", "d", "zero");
        same("SELECT", "4");
        same("GET", "d");
        same("SET", "d", "four", "EX", "100");
        same("GET", "d");
        same("GET", "d");
        same("DBSIZE");
        same("KEYS", "*");
        same("SELECT", "0");
        same("GET", "d");
        same("COPY", "d", "d", "DB", "4", "REPLACE");
        same("SELECT", "4");
        same("GET", "d");
        same("TTL", "d");
        same("SELECT", "0");
        same("FLUSHALL");
        same("SELECT", "4");
        same("GET", "d");
        same("SELECT", "0");
    }

    @Test
    void aCommandThatCannotGoThroughTheProxyIsOneClearError() throws Exception {
        assertThat(client.call("SWAPDB", "0", "1"))
                .isEqualTo(new RespValue.Error("ERR 'swapdb' is not supported by kv-proxy; send it to a server directly"));
        assertThat(client.call("LPUSH", "list", "x")).isEqualTo(new RespValue.Error(
                "ERR unknown command 'LPUSH': kv-proxy forwards only the commands in kv's command table"));
    }

    /** Two keys the proxy places on one backend. */
    static String[] keysOnOneBackend(String prefix) {
        Backends all = proxy.bean(Backends.class);
        for (int i = 1; i < 1000; i++) {
            if (all.owner((prefix + "-a").getBytes()) == all.owner((prefix + "-b" + i).getBytes())) {
                return new String[] {prefix + "-a", prefix + "-b" + i};
            }
        }
        throw new AssertionError("no two keys on one backend");
    }

    void same(String... command) throws IOException {
        RespValue expected = redis.call(command);
        assertThat(client.call(command)).as(String.join(" ", command)).isEqualTo(expected);
    }

    /** TTL and PTTL: within a second, for the time between the two calls. */
    void near(String... command) throws IOException {
        long expected = ((RespValue.Integer) redis.call(command)).value();
        long actual = ((RespValue.Integer) client.call(command)).value();
        assertThat(actual).as(String.join(" ", command)).isBetween(expected - 1000, expected + 1000);
    }

    static List<String> strings(RespValue array) {
        return ((RespValue.Array) array).elements().stream().map(value -> ((RespValue.BulkString) value).asString())
                .toList();
    }
}
