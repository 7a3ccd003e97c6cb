package kv.proxy.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import kv.protocol.resp.RespValue;
import kv.protocol.resp.Request;
import kv.proxy.backend.Backends;
import kv.proxy.testing.Await;
import kv.proxy.testing.ProxyOverRedis;
import kv.proxy.testing.ProxyRunner;
import kv.proxy.testing.RedisServerProcess;
import kv.proxy.testing.RespClient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Transaction;

/**
 * MULTI/EXEC, WATCH and scripts through the proxy in front of two real redis-servers: a
 * transaction runs whole on the one backend owning its keys, keys on both backends abort it, and
 * the proxy's cache is withdrawn before EXEC's (or a script's) reply reaches the client.
 */
class TransactionsThroughTheProxyTest {

    @RegisterExtension
    static final ProxyOverRedis setup = ProxyOverRedis.backends(2);

    private static final RespValue OK = new RespValue.SimpleString("OK");
    private static final RespValue QUEUED = new RespValue.SimpleString("QUEUED");

    static RedisServerProcess a;
    static RedisServerProcess b;
    static ProxyRunner proxy;

    @BeforeAll
    static void names() {
        a = setup.redis(0);
        b = setup.redis(1);
        proxy = setup.proxy();
    }

    @BeforeEach
    void flush() {
        try (Jedis onA = new Jedis("127.0.0.1", a.port()); Jedis onB = new Jedis("127.0.0.1", b.port())) {
            onA.flushAll();
            onB.flushAll();
            onA.scriptFlush();
            onB.scriptFlush();
        }
    }

    /** A key named {@code prefix-n} that the proxy places on the backend listening on {@code port}. */
    static String keyOn(int port, String prefix) {
        Backends backends = proxy.bean(Backends.class);
        for (int n = 0; n < 10_000; n++) {
            String key = prefix + "-" + n;
            if (backends.owner(key.getBytes()).address().port() == port) {
                return key;
            }
        }
        throw new AssertionError("no key for " + port);
    }

    static RespValue bulk(String text) {
        return RespValue.BulkString.of(text);
    }

    @Test
    void aPipelinedMultiSetSetExecRunsWholeOnItsBackend() throws Exception {
        String k1 = keyOn(a.port(), "tx1");
        String k2 = keyOn(a.port(), "tx2");
        try (RespClient client = new RespClient(proxy.port()); Jedis onA = new Jedis("127.0.0.1", a.port())) {
            client.pipeline(Request.of("MULTI"), Request.of("SET", k1, "one"), Request.of("SET", k2, "two"),
                    Request.of("EXEC"));
            assertThat(client.read()).isEqualTo(OK);
            assertThat(client.read()).isEqualTo(QUEUED);
            assertThat(client.read()).isEqualTo(QUEUED);
            assertThat(client.read()).isEqualTo(new RespValue.Array(List.of(OK, OK)));
            assertThat(onA.mget(k1, k2)).containsExactly("one", "two");
        }
    }

    @Test
    void aConcurrentReaderNeverSeesHalfATransaction() throws Exception {
        String k1 = keyOn(b.port(), "half1");
        String k2 = keyOn(b.port(), "half2");
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<String> torn = new AtomicReference<>();
        try (Jedis writer = new Jedis("127.0.0.1", proxy.port())) {
            writer.mset(k1, "0", k2, "0");
            Thread reader = new Thread(() -> {
                try (Jedis jedis = new Jedis("127.0.0.1", proxy.port())) {
                    while (!done.get()) {
                        List<String> both = jedis.mget(k1, k2); // one backend: one MGET, atomic there
                        if (!both.get(0).equals(both.get(1))) {
                            torn.set(both.toString());
                        }
                    }
                }
            });
            reader.start();
            for (int i = 1; i <= 300; i++) {
                Transaction tx = writer.multi();
                tx.set(k1, Integer.toString(i));
                tx.set(k2, Integer.toString(i));
                assertThat(tx.exec()).containsExactly("OK", "OK");
            }
            done.set(true);
            reader.join(10_000);
            assertThat(torn.get()).as("a read between the transaction's two SETs").isNull();
            assertThat(writer.mget(k1, k2)).containsExactly("300", "300");
        }
    }

    @Test
    void keysOnTwoBackendsGetCrossslotAndNothingIsWritten() throws Exception {
        String onAKey = keyOn(a.port(), "cross");
        String onBKey = keyOn(b.port(), "cross");
        try (RespClient client = new RespClient(proxy.port()); Jedis onA = new Jedis("127.0.0.1", a.port());
             Jedis onB = new Jedis("127.0.0.1", b.port())) {
            client.pipeline(Request.of("MULTI"), Request.of("SET", onAKey, "x"), Request.of("SET", onBKey, "y"),
                    Request.of("EXEC"), Request.of("GET", onAKey));
            assertThat(client.read()).isEqualTo(OK);
            assertThat(client.read()).isEqualTo(QUEUED);
            assertThat(((RespValue.Error) client.read()).message()).startsWith("CROSSSLOT Keys in request don't hash to the same slot");
            assertThat(client.read()).isEqualTo(new RespValue.Error("EXECABORT Transaction discarded because of previous errors."));
            assertThat(client.read()).isEqualTo(new RespValue.Null());
            assertThat(onA.exists(onAKey)).isFalse();
            assertThat(onB.exists(onBKey)).isFalse();
            // One command naming keys on both backends is refused the same way.
            client.pipeline(Request.of("MULTI"), Request.of("MSET", onAKey, "1", onBKey, "2"), Request.of("EXEC"));
            assertThat(client.read()).isEqualTo(OK);
            assertThat(((RespValue.Error) client.read()).message()).startsWith("CROSSSLOT");
            assertThat(((RespValue.Error) client.read()).message()).startsWith("EXECABORT");
            assertThat(onA.exists(onAKey)).isFalse();
        }
    }

    @Test
    void queueTimeErrorsAbortTheTransactionAsOnRedis() throws Exception {
        String key = keyOn(a.port(), "abort");
        try (RespClient client = new RespClient(proxy.port()); Jedis onA = new Jedis("127.0.0.1", a.port())) {
            client.pipeline(Request.of("MULTI"), Request.of("SET", key, "x"), Request.of("GET"), Request.of("EXEC"));
            assertThat(client.read()).isEqualTo(OK);
            assertThat(client.read()).isEqualTo(QUEUED);
            assertThat(client.read()).isEqualTo(new RespValue.Error("ERR wrong number of arguments for 'get' command"));
            assertThat(client.read()).isEqualTo(new RespValue.Error("EXECABORT Transaction discarded because of previous errors."));
            client.pipeline(Request.of("MULTI"), Request.of("SET", key, "x"), Request.of("LPUSH", key, "y"), Request.of("EXEC"));
            assertThat(client.read()).isEqualTo(OK);
            assertThat(client.read()).isEqualTo(QUEUED);
            assertThat(client.read()).isInstanceOf(RespValue.Error.class);
            assertThat(((RespValue.Error) client.read()).message()).startsWith("EXECABORT");
            assertThat(onA.exists(key)).isFalse();
            // Errors as Redis answers them, which do not abort.
            assertThat(client.call("EXEC")).isEqualTo(new RespValue.Error("ERR EXEC without MULTI"));
            assertThat(client.call("DISCARD")).isEqualTo(new RespValue.Error("ERR DISCARD without MULTI"));
            assertThat(client.call("MULTI")).isEqualTo(OK);
            assertThat(client.call("MULTI")).isEqualTo(new RespValue.Error("ERR MULTI calls can not be nested"));
            assertThat(client.call("WATCH", key)).isEqualTo(new RespValue.Error("ERR WATCH inside MULTI is not allowed"));
            assertThat(client.call("SET", key, "z")).isEqualTo(QUEUED);
            assertThat(client.call("INCR", key)).isEqualTo(QUEUED);
            RespValue exec = client.call("EXEC");
            assertThat(((RespValue.Array) exec).elements().get(0)).isEqualTo(OK);
            assertThat(((RespValue.Array) exec).elements().get(1)).isEqualTo(
                    new RespValue.Error("ERR value is not an integer or out of range")); // a run-time error does not stop the others
            assertThat(onA.get(key)).isEqualTo("z");
        }
    }

    @Test
    void execWithdrawsTheKeysItWroteBeforeItsReply() throws Exception {
        String key = keyOn(a.port(), "inval");
        try (RespClient client = new RespClient(proxy.port())) {
            proxy.awaitInvalidationOf(() -> client.call("SET", key, "old")); // its push settled: it cannot withdraw the GET below
            assertThat(client.call("GET", key)).isEqualTo(bulk("old"));
            long hits = proxy.cache().stats().hits();
            assertThat(client.call("GET", key)).isEqualTo(bulk("old"));
            assertThat(proxy.cache().stats().hits()).as("the value is cached").isEqualTo(hits + 1);
            long withdrawn = proxy.cache().stats().writeInvalidations();
            client.pipeline(Request.of("MULTI"), Request.of("GET", key), Request.of("SET", key, "new"), Request.of("EXEC"));
            assertThat(client.read()).isEqualTo(OK);
            assertThat(client.read()).isEqualTo(QUEUED); // a read inside MULTI is queued, not answered from the cache
            assertThat(client.read()).isEqualTo(QUEUED);
            RespValue exec = client.read();
            assertThat(exec).isEqualTo(new RespValue.Array(List.of(bulk("old"), OK)));
            // Withdrawn by EXEC itself, not by the backend's invalidation that may come later.
            assertThat(proxy.cache().stats().writeInvalidations()).isGreaterThan(withdrawn);
            assertThat(client.call("GET", key)).isEqualTo(bulk("new"));
        }
    }

    @Test
    void aWatchedKeyChangedByAnotherClientMakesExecAnswerNull() throws Exception {
        String key = keyOn(b.port(), "watched");
        try (Jedis client = new Jedis("127.0.0.1", proxy.port()); Jedis other = new Jedis("127.0.0.1", proxy.port());
             Jedis onB = new Jedis("127.0.0.1", b.port())) {
            client.set(key, "1");
            client.get(key);
            client.get(key); // cached
            assertThat(client.watch(key)).isEqualTo("OK");
            assertThat(client.get(key)).isEqualTo("1");
            other.set(key, "2"); // through the proxy, between WATCH and EXEC
            Transaction tx = client.multi();
            tx.set(key, "3");
            assertThat(tx.exec()).isNull();
            assertThat(onB.get(key)).isEqualTo("2");

            // Unraced, the same transaction runs; and a write straight to the backend is seen by WATCH too.
            client.watch(key);
            tx = client.multi();
            tx.incr(key);
            assertThat(tx.exec()).containsExactly(3L);
            client.watch(key);
            onB.set(key, "10");
            tx = client.multi();
            tx.incr(key);
            assertThat(tx.exec()).isNull();
            assertThat(client.get(key)).isEqualTo("10");
        }
    }

    @Test
    void aReadBetweenWatchAndExecIsNotAnsweredFromTheCache() throws Exception {
        String key = keyOn(a.port(), "watchread");
        try (RespClient client = new RespClient(proxy.port())) {
            client.call("SET", key, "1");
            client.call("GET", key);
            client.call("GET", key);
            assertThat(client.call("WATCH", key)).isEqualTo(OK);
            long hits = proxy.cache().stats().hits();
            assertThat(client.call("GET", key)).isEqualTo(bulk("1"));
            assertThat(proxy.cache().stats().hits()).isEqualTo(hits);
            assertThat(client.call("UNWATCH")).isEqualTo(OK);
        }
    }

    @Test
    void selectInsideMultiRunsAtExecAndTheClientStaysThere() throws Exception {
        String key = keyOn(a.port(), "selected");
        String counter = keyOn(a.port(), "counter");
        try (RespClient client = new RespClient(proxy.port()); Jedis onA = new Jedis("127.0.0.1", a.port())) {
            client.pipeline(Request.of("MULTI"), Request.of("SELECT", "3"), Request.of("SET", key, "in3"), Request.of("EXEC"));
            assertThat(client.read()).isEqualTo(OK);
            assertThat(client.read()).isEqualTo(QUEUED);
            assertThat(client.read()).isEqualTo(QUEUED);
            assertThat(client.read()).isEqualTo(new RespValue.Array(List.of(OK, OK)));
            assertThat(client.call("GET", key)).isEqualTo(bulk("in3")); // still on database 3
            onA.select(3);
            assertThat(onA.get(key)).isEqualTo("in3");
            onA.select(0);
            assertThat(onA.exists(key)).isFalse();
            // A transaction opened on database 3 runs there.
            client.pipeline(Request.of("MULTI"), Request.of("INCR", counter), Request.of("EXEC"));
            client.read();
            client.read();
            assertThat(client.read()).isEqualTo(new RespValue.Array(List.of(new RespValue.Integer(1))));
            onA.select(3);
            assertThat(onA.get(counter)).isEqualTo("1");
            onA.select(0);
            assertThat(onA.exists(counter)).isFalse();
        }
    }

    @Test
    void aClientThatClosesMidTransactionLeavesNothingOnTheBackend() throws Exception {
        String key = keyOn(a.port(), "closed");
        try (Jedis onA = new Jedis("127.0.0.1", a.port())) {
            try (RespClient client = new RespClient(proxy.port())) {
                assertThat(client.call("MULTI")).isEqualTo(OK);
                assertThat(client.call("SET", key, "x")).isEqualTo(QUEUED);
                Await.until("the backend to hold the MULTI", Duration.ofSeconds(5),
                        () -> onA.clientList().contains("multi=1"));
            }
            Await.until("the pinned connection to be closed", Duration.ofSeconds(5),
                    () -> !onA.clientList().contains("multi=1"));
            assertThat(onA.exists(key)).isFalse();
        }
    }

    /**
     * However a client ends its WATCH or MULTI, the backend connection it held goes back to the
     * idle set clean, or is closed: the next client's transaction (which takes the connection
     * released last) is not in a MULTI, watches nothing, and is on database 0; and no backend
     * connection is left inside a MULTI.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "WATCH w; UNWATCH",
            "WATCH w; MULTI; SET k x; EXEC",
            "WATCH w; MULTI; SET k x; DISCARD",
            "WATCH w; MULTI; SET k x; NOSUCHCOMMAND; EXEC",
            "WATCH w; MULTI; SET k x; GET; EXEC",
            "WATCH w; MULTI; SET k x; SWAPDB 0 1; EXEC",
            "WATCH w; MULTI; SET k x; INCR k; EXEC",
            "WATCH w; SELECT 2; MULTI; SET k x; EXEC; SELECT 0",
            "MULTI; SELECT 3; SET k x; EXEC; SELECT 0",
            "WATCH w; MULTI; SELECT 4; SET k x; DISCARD",
            "WATCH w; MULTI; CLIENT SETNAME n; SET k x; EXEC",
            "WATCH w; RESET",
            "WATCH w; MULTI; SET k x; RESET",
            "WATCH w; MULTI; SET k x; QUIT",
            "WATCH w; MULTI; SET k x"})
    void theNextTransactionFindsItsBackendConnectionClean(String ending) throws Exception {
        String watched = keyOn(a.port(), "clean-w");
        String key = keyOn(a.port(), "clean-k");
        try (Jedis onA = new Jedis("127.0.0.1", a.port())) {
            try (RespClient client = new RespClient(proxy.port())) {
                Request[] requests = java.util.Arrays.stream(ending.split("; "))
                        .map(step -> Request.of(java.util.Arrays.stream(step.split(" "))
                                .map(word -> word.equals("w") ? watched : word.equals("k") ? key : word)
                                .toArray(String[]::new)))
                        .toArray(Request[]::new);
                client.pipeline(requests);
                for (int i = 0; i < requests.length; i++) {
                    client.read();
                }
            } // closed here, mid-transaction for the last ending
            Await.until("no backend connection in a MULTI", Duration.ofSeconds(5),
                    () -> onA.clientList().lines().allMatch(line -> line.contains(" multi=-1 ")));
            onA.set(watched, "changed after the transaction"); // would abort a WATCH left on the connection
            try (RespClient next = new RespClient(proxy.port())) {
                next.pipeline(Request.of("MULTI"), Request.of("SET", key, "next"), Request.of("EXEC"));
                assertThat(next.read()).isEqualTo(OK);
                assertThat(next.read()).isEqualTo(QUEUED);
                assertThat(next.read()).as("EXEC after: " + ending).isEqualTo(new RespValue.Array(List.of(OK)));
            }
            assertThat(onA.get(key)).as("written on database 0").isEqualTo("next");
        }
    }

    @Test
    void jedisMultiAndKeylessCommandsGoToThePinnedBackend() throws Exception {
        String key = keyOn(b.port(), "jedis");
        try (Jedis client = new Jedis("127.0.0.1", proxy.port()); RespClient raw = new RespClient(proxy.port())) {
            Transaction tx = client.multi();
            tx.set(key, "v");
            tx.get(key);
            assertThat(tx.exec()).containsExactly("OK", "v");
            tx = client.multi();
            tx.set(key, "discarded");
            assertThat(tx.discard()).isEqualTo("OK");
            assertThat(client.get(key)).isEqualTo("v");

            raw.pipeline(Request.of("MULTI"), Request.of("PING"), Request.of("GET", key), Request.of("ECHO", "e"),
                    Request.of("EXEC"));
            assertThat(raw.read()).isEqualTo(OK);
            assertThat(raw.read()).isEqualTo(QUEUED); // no backend chosen yet: queued by the proxy
            assertThat(raw.read()).isEqualTo(QUEUED);
            assertThat(raw.read()).isEqualTo(QUEUED);
            assertThat(raw.read()).isEqualTo(new RespValue.Array(List.of(new RespValue.SimpleString("PONG"), bulk("v"), bulk("e"))));
            raw.pipeline(Request.of("MULTI"), Request.of("PING"), Request.of("EXEC"));
            raw.read();
            raw.read();
            assertThat(raw.read()).isEqualTo(new RespValue.Array(List.of(new RespValue.SimpleString("PONG")))); // the first backend
            RespValue id = raw.call("CLIENT", "ID");
            raw.pipeline(Request.of("MULTI"), Request.of("CLIENT", "ID"), Request.of("GET", key), Request.of("EXEC"));
            assertThat(raw.read()).isEqualTo(OK);
            assertThat(raw.read()).isEqualTo(QUEUED); // the proxy's own command: queued by the proxy
            assertThat(raw.read()).isEqualTo(QUEUED);
            assertThat(raw.read()).isEqualTo(new RespValue.Array(List.of(id, bulk("v"))));
        }
    }

    /**
     * The commands the proxy answers itself (CLIENT, SCRIPT, SUBSCRIBE, ...) are queued inside
     * MULTI as Redis queues them, and answered in EXEC's array where they were queued: the same
     * stream to a redis-server and to the proxy gets the same replies, byte for byte.
     */
    @Test
    void theProxysOwnCommandsAreQueuedInMultiAndAnsweredInExecAsRedisAnswersThem() throws Exception {
        String key = keyOn(a.port(), "local");
        String script = "return 1";
        String sha = "e0e1f9fabfc9d4800c877a703b823ac0578ff8db";
        Request[] stream = {Request.of("MULTI"), Request.of("SET", key, "v"), Request.of("CLIENT", "SETNAME", "tx"),
                Request.of("CLIENT", "GETNAME"), Request.of("GET", key), Request.of("SCRIPT", "LOAD", script),
                Request.of("SCRIPT", "EXISTS", sha), Request.of("ECHO", "e"), Request.of("SUBSCRIBE", "c1"),
                Request.of("SUBSCRIBE", "c2"), Request.of("UNSUBSCRIBE", "c1"), Request.of("EXEC"), Request.of("CLIENT", "GETNAME"), Request.of("PING"), Request.of("GET", key)};
        // The reference is a redis-server of its own, none of the proxy's backends.
        try (RedisServerProcess reference = RedisServerProcess.start(setup.work());
             RespClient onRedis = new RespClient(reference.port()); RespClient client = new RespClient(proxy.port())) {
            onRedis.pipeline(stream);
            client.pipeline(stream);
            for (Request request : stream) {
                RespValue expected = onRedis.read();
                assertThat(client.read()).as(request.toString()).isEqualTo(expected);
            }
        }
        // A SUBSCRIBE of two channels: Redis's EXEC array counts the commands but holds a confirmation
        // per channel, one more than it says; the proxy's array counts what it holds.
        try (RespClient client = new RespClient(proxy.port())) {
            client.pipeline(Request.of("MULTI"), Request.of("SUBSCRIBE", "c1", "c2"), Request.of("EXEC"));
            client.read();
            client.read();
            RespValue exec = client.read();
            assertThat(((RespValue.Array) exec).elements()).hasSize(2);
        }
    }

    /** A transaction a WATCH aborts runs none of its commands, the proxy's own ones neither. */
    @Test
    void aWatchThatAbortsExecRunsNoneOfTheProxysOwnCommands() throws Exception {
        String key = keyOn(a.port(), "localwatch");
        try (RespClient client = new RespClient(proxy.port()); Jedis other = new Jedis("127.0.0.1", proxy.port())) {
            assertThat(client.call("WATCH", key)).isEqualTo(OK);
            other.set(key, "changed");
            assertThat(client.call("MULTI")).isEqualTo(OK);
            assertThat(client.call("CLIENT", "SETNAME", "never")).isEqualTo(QUEUED);
            assertThat(client.call("SUBSCRIBE", "never")).isEqualTo(QUEUED);
            assertThat(client.call("EXEC")).isEqualTo(new RespValue.Null(true));
            assertThat(client.call("CLIENT", "GETNAME")).isEqualTo(new RespValue.Null());
            assertThat(client.call("GET", key)).isEqualTo(bulk("changed")); // not subscribed: any command runs
            // Only the proxy's own commands: no backend needed.
            client.pipeline(Request.of("MULTI"), Request.of("CLIENT", "SETNAME", "only"), Request.of("CLIENT", "GETNAME"),
                    Request.of("EXEC"));
            assertThat(client.read()).isEqualTo(OK);
            assertThat(client.read()).isEqualTo(QUEUED);
            assertThat(client.read()).isEqualTo(QUEUED);
            assertThat(client.read()).isEqualTo(new RespValue.Array(List.of(OK, bulk("only"))));
        }
    }

    @Test
    void aScriptRunsOnTheBackendOwningItsKeysAndWithdrawsThemBeforeItsReply() throws Exception {
        String k1 = keyOn(a.port(), "script1");
        String k2 = keyOn(a.port(), "script2");
        String onB = keyOn(b.port(), "script");
        try (RespClient client = new RespClient(proxy.port()); Jedis onA = new Jedis("127.0.0.1", a.port())) {
            client.call("SET", k1, "old");
            client.call("GET", k1);
            client.call("GET", k1); // cached
            long withdrawn = proxy.cache().stats().writeInvalidations();
            RespValue reply = client.call("EVAL", "redis.call('SET', KEYS[1], ARGV[1]); redis.call('SET', KEYS[2], ARGV[1]);"
                    + " return redis.call('GET', KEYS[1])", "2", k1, k2, "new");
            assertThat(reply).isEqualTo(bulk("new"));
            assertThat(proxy.cache().stats().writeInvalidations()).isGreaterThanOrEqualTo(withdrawn + 2);
            assertThat(client.call("GET", k1)).isEqualTo(bulk("new"));
            assertThat(onA.get(k2)).isEqualTo("new");
            assertThat(((RespValue.Error) client.call("EVAL", "return 1", "2", k1, onB)).message()).startsWith("CROSSSLOT");
            assertThat(client.call("EVAL_RO", "return redis.call('GET', KEYS[1])", "1", k1)).isEqualTo(bulk("new"));
            assertThat(client.call("EVAL", "return 7", "0")).isEqualTo(new RespValue.Integer(7));
            assertThat(client.call("EVAL", "return 1", "x"))
                    .isEqualTo(new RespValue.Error("ERR value is not an integer or out of range"));
        }
    }

    @Test
    void evalshaAfterScriptLoadWorksWhicheverBackendItsKeysLiveOn() throws Exception {
        String onAKey = keyOn(a.port(), "sha");
        String onBKey = keyOn(b.port(), "sha");
        try (RespClient client = new RespClient(proxy.port())) {
            RespValue sha = client.call("SCRIPT", "LOAD", "return redis.call('INCR', KEYS[1])");
            String digest = ((RespValue.BulkString) sha).asString();
            try (Jedis onA = new Jedis("127.0.0.1", a.port())) {
                assertThat(onA.scriptLoad("return redis.call('INCR', KEYS[1])")).isEqualTo(digest);
            }
            assertThat(client.call("EVALSHA", digest, "1", onAKey)).isEqualTo(new RespValue.Integer(1));
            assertThat(client.call("EVALSHA", digest, "1", onBKey)).isEqualTo(new RespValue.Integer(1));
            assertThat(client.call("SCRIPT", "EXISTS", digest, "ffffffffffffffffffffffffffffffffffffffff"))
                    .isEqualTo(new RespValue.Array(List.of(new RespValue.Integer(1), new RespValue.Integer(0))));
            try (Jedis onB = new Jedis("127.0.0.1", b.port())) {
                onB.scriptFlush(); // one backend forgot it: EXISTS is an AND
            }
            assertThat(client.call("SCRIPT", "EXISTS", digest))
                    .isEqualTo(new RespValue.Array(List.of(new RespValue.Integer(0))));
            assertThat(client.call("EVALSHA", digest, "1", onBKey))
                    .isEqualTo(new RespValue.Error("NOSCRIPT No matching script. Please use EVAL."));
            assertThat(client.call("SCRIPT", "FLUSH")).isEqualTo(OK);
            assertThat(client.call("SCRIPT", "NOPE"))
                    .isEqualTo(new RespValue.Error("ERR unknown subcommand 'NOPE'. Try SCRIPT HELP."));
            assertThat(client.call("SCRIPT", "LOAD"))
                    .isEqualTo(new RespValue.Error("ERR wrong number of arguments for 'script|load' command"));
        }
    }
}
