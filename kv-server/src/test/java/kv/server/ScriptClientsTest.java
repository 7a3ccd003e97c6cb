package kv.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import kv.protocol.endpoint.RespServerConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * The scripts applications actually send, through Jedis: redis-py's Lock release and extend
 * scripts, a fixed-window rate limiter (INCR + EXPIRE), a token bucket that keeps its state as
 * JSON (cjson), EVALSHA after SCRIPT LOAD as client libraries do it, and the sandbox refusing
 * {@code os.execute} and {@code io.open}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = "kv.server.port=0")
@DirtiesContext
class ScriptClientsTest extends RunningServerTest {

    /** redis-py's {@code Lock.LUA_RELEASE_SCRIPT}. */
    static final String LOCK_RELEASE = """
            local token = redis.call('get', KEYS[1])
            if not token or token ~= ARGV[1] then
                return 0
            end
            redis.call('del', KEYS[1])
            return 1
            """;

    /** redis-py's {@code Lock.LUA_EXTEND_SCRIPT}. */
    static final String LOCK_EXTEND = """
            local token = redis.call('get', KEYS[1])
            if not token or token ~= ARGV[1] then
                return 0
            end
            local expiration = redis.call('pttl', KEYS[1])
            if not expiration then
                expiration = 0
            end
            if expiration < 0 then
                return 0
            end

            local newttl = ARGV[2]
            if ARGV[3] == "0" then
                newttl = ARGV[2] + expiration
            end
            redis.call('pexpire', KEYS[1], newttl)
            return 1
            """;

    /** A fixed-window rate limiter: 1 if allowed, 0 once more than ARGV[2] calls came within ARGV[1] seconds. */
    static final String RATE_LIMIT = """
            local current = redis.call('incr', KEYS[1])
            if current == 1 then
                redis.call('expire', KEYS[1], ARGV[1])
            end
            if current > tonumber(ARGV[2]) then
                return 0
            end
            return 1
            """;

    /** A token bucket whose state is a JSON document: capacity ARGV[1], cost ARGV[2], now ARGV[3] (s), refill ARGV[4]/s. */
    static final String TOKEN_BUCKET = """
            local state = redis.call('get', KEYS[1])
            local bucket
            if state then
                bucket = cjson.decode(state)
            else
                bucket = {tokens = tonumber(ARGV[1]), at = tonumber(ARGV[3])}
            end
            local elapsed = tonumber(ARGV[3]) - bucket.at
            bucket.tokens = math.min(tonumber(ARGV[1]), bucket.tokens + elapsed * tonumber(ARGV[4]))
            bucket.at = tonumber(ARGV[3])
            local allowed = 0
            if bucket.tokens >= tonumber(ARGV[2]) then
                bucket.tokens = bucket.tokens - tonumber(ARGV[2])
                allowed = 1
            end
            redis.call('set', KEYS[1], cjson.encode(bucket))
            return {allowed, bucket.tokens}
            """;

    @Autowired
    RespServerConnectionFactory connectionFactory;

    Jedis jedis;

    @BeforeEach
    void connect() {
        jedis = new Jedis("127.0.0.1", connectionFactory.getPort(), 10_000);
        jedis.flushAll();
        jedis.scriptFlush();
    }

    @AfterEach
    void disconnect() {
        jedis.close();
    }

    @Test
    void redisPyLockReleaseFreesOnlyTheOwnersLock() {
        String release = jedis.scriptLoad(LOCK_RELEASE);
        assertThat(jedis.set("lock:job", "token-1", redis.clients.jedis.params.SetParams.setParams().nx().px(30_000)))
                .isEqualTo("OK");
        assertThat(jedis.evalsha(release, List.of("lock:job"), List.of("someone-else"))).isEqualTo(0L);
        assertThat(jedis.get("lock:job")).isEqualTo("token-1");
        assertThat(jedis.evalsha(release, List.of("lock:job"), List.of("token-1"))).isEqualTo(1L);
        assertThat(jedis.exists("lock:job")).isFalse();
        assertThat(jedis.evalsha(release, List.of("lock:job"), List.of("token-1"))).isEqualTo(0L);
    }

    @Test
    void redisPyLockExtendAddsToTheTimeLeftOrReplacesIt() {
        jedis.set("lock:job", "t", redis.clients.jedis.params.SetParams.setParams().px(10_000));
        assertThat(jedis.eval(LOCK_EXTEND, List.of("lock:job"), List.of("wrong", "5000", "0"))).isEqualTo(0L);
        assertThat(jedis.eval(LOCK_EXTEND, List.of("lock:job"), List.of("t", "5000", "0"))).isEqualTo(1L);
        assertThat(jedis.pttl("lock:job")).isBetween(10_000L, 15_000L);
        assertThat(jedis.eval(LOCK_EXTEND, List.of("lock:job"), List.of("t", "60000", "1"))).isEqualTo(1L);
        assertThat(jedis.pttl("lock:job")).isBetween(50_000L, 60_000L);
        jedis.persist("lock:job");
        assertThat(jedis.eval(LOCK_EXTEND, List.of("lock:job"), List.of("t", "5000", "0"))).isEqualTo(0L);
    }

    @Test
    void rateLimiterAllowsTheLimitPerWindowAndSetsTheWindowOnce() {
        List<Object> answers = new ArrayList<>();
        for (int i = 0; i < 15; i++) {
            answers.add(jedis.eval(RATE_LIMIT, List.of("rate:user:42"), List.of("60", "10")));
        }
        assertThat(answers.subList(0, 10)).containsOnly(1L);
        assertThat(answers.subList(10, 15)).containsOnly(0L);
        assertThat(jedis.get("rate:user:42")).isEqualTo("15");
        assertThat(jedis.ttl("rate:user:42")).isBetween(58L, 60L);
    }

    @Test
    void tokenBucketKeepsItsStateAsJson() {
        List<String> keys = List.of("bucket:api");
        assertThat(jedis.eval(TOKEN_BUCKET, keys, List.of("3", "1", "1000", "1"))).isEqualTo(List.of(1L, 2L));
        assertThat(jedis.eval(TOKEN_BUCKET, keys, List.of("3", "1", "1000", "1"))).isEqualTo(List.of(1L, 1L));
        assertThat(jedis.eval(TOKEN_BUCKET, keys, List.of("3", "1", "1000", "1"))).isEqualTo(List.of(1L, 0L));
        assertThat(jedis.eval(TOKEN_BUCKET, keys, List.of("3", "1", "1000", "1"))).isEqualTo(List.of(0L, 0L));
        assertThat(jedis.eval(TOKEN_BUCKET, keys, List.of("3", "1", "1002", "1"))).isEqualTo(List.of(1L, 1L));
        assertThat(jedis.get("bucket:api")).contains("\"tokens\":1").contains("\"at\":1002");
    }

    @Test
    void evalshaOfAnUnknownScriptIsNoscriptUntilLoaded() {
        String sha = kv.server.script.Sha1.hex("return ARGV[1]".getBytes());
        assertThatThrownBy(() -> jedis.evalsha(sha, List.of(), List.of("x")))
                .isInstanceOf(JedisNoScriptException.class)
                .hasMessage("NOSCRIPT No matching script. Please use EVAL.");
        assertThat(jedis.eval("return ARGV[1]", List.of(), List.of("x"))).isEqualTo("x");
        assertThat(jedis.evalsha(sha, List.of(), List.of("y"))).isEqualTo("y");
        assertThat(jedis.scriptExists(sha)).isTrue();
    }

    @Test
    void theSandboxRefusesOsAndIo() {
        assertThatThrownBy(() -> jedis.eval("return os.execute('touch /tmp/kv-script-escaped')"))
                .isInstanceOf(JedisDataException.class)
                .hasMessageStartingWith("ERR user_script:1: Script attempted to access nonexistent global variable 'os'");
        assertThatThrownBy(() -> jedis.eval("return io.open('/etc/passwd'):read('*a')"))
                .isInstanceOf(JedisDataException.class)
                .hasMessageStartingWith("ERR user_script:1: Script attempted to access nonexistent global variable 'io'");
        assertThatThrownBy(() -> jedis.eval("return require('os')"))
                .isInstanceOf(JedisDataException.class)
                .hasMessageContaining("nonexistent global variable 'require'");
        assertThatThrownBy(() -> jedis.eval("return loadfile('/etc/passwd')"))
                .isInstanceOf(JedisDataException.class)
                .hasMessageContaining("nonexistent global variable 'loadfile'");
        assertThat(new java.io.File("/tmp/kv-script-escaped")).doesNotExist();
    }

    @Test
    void globalsDoNotLeakFromOneScriptToTheNext() {
        assertThatThrownBy(() -> jedis.eval("leaked = 1 return 1"))
                .hasMessageStartingWith("ERR user_script:1: Attempt to modify a readonly table");
        assertThatThrownBy(() -> jedis.eval("rawset(_G, 'leaked', 1) return 1"))
                .hasMessageStartingWith("ERR user_script:1: Attempt to modify a readonly table");
        assertThatThrownBy(() -> jedis.eval("string.leaked = function() return 'x' end return 1"))
                .hasMessageStartingWith("ERR user_script:1: Attempt to modify a readonly table");
        assertThatThrownBy(() -> jedis.eval("table.insert(string, 'x') return 1"))
                .hasMessageStartingWith("ERR user_script:1: Attempt to modify a readonly table");
        assertThat(jedis.eval("return type(rawget(_G, 'leaked')) .. type(string.leaked) .. type(string[1])"))
                .isEqualTo("nilnilnil");
        assertThat(jedis.eval("return tostring(getmetatable('').__index == string)")).isEqualTo("false");
    }
}
