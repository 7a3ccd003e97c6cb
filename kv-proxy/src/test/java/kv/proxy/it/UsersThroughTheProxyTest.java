package kv.proxy.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import kv.protocol.resp.RespValue;
import kv.protocol.resp.Request;
import kv.proxy.testing.ProxyRunner;
import kv.proxy.testing.RedisServerProcess;
import kv.proxy.testing.RespClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * The proxy's own users (kv.proxy.acl-file) in front of a password-less redis-server: clients
 * authenticate to the proxy, and a request its user may not send is refused before the cache or
 * a backend sees it, so a user without access to a key is never answered from the cache.
 */
class UsersThroughTheProxyTest {

    @TempDir
    static Path work;

    static RedisServerProcess redis;
    static ProxyRunner proxy;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(RedisServerProcess.available(), "redis-server is not installed");
        redis = RedisServerProcess.start(work);
        Path users = work.resolve("users.acl");
        Files.writeString(users, """
                user default on >adminpw ~* &* +@all
                user alice on >secret ~app:* -@all +get +set +mget +ping
                user bob on >pw ~app:* -@all +get +set +incr +multi +exec +discard
                user carol on >pw ~app:* -@all +multi +set
                """);
        proxy = ProxyRunner.start(List.of(redis.port()), "kv.proxy.acl-file=" + users);
        proxy.awaitCoherent();
    }

    @AfterAll
    static void stop() throws Exception {
        if (proxy != null) {
            proxy.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void aClientMustAuthenticateToTheProxy() {
        try (Jedis client = new Jedis("127.0.0.1", proxy.port())) {
            assertThatThrownBy(client::ping).hasMessage("NOAUTH Authentication required.");
            assertThatThrownBy(() -> client.auth("wrong")).hasMessage(
                    "WRONGPASS invalid username-password pair or user is disabled.");
            assertThat(client.auth("adminpw")).isEqualTo("OK");
            assertThat(client.ping()).isEqualTo("PONG");
            assertThat(client.aclWhoAmI()).isEqualTo("default");
        }
    }

    @Test
    void aUserWithoutAccessToAKeyIsNotAnsweredFromTheCache() {
        try (Jedis admin = new Jedis("127.0.0.1", proxy.port()); Jedis alice = new Jedis("127.0.0.1", proxy.port())) {
            admin.auth("adminpw");
            admin.set("secret:1", "hidden");
            assertThat(admin.get("secret:1")).isEqualTo("hidden");
            assertThat(admin.get("secret:1")).as("now cached").isEqualTo("hidden");
            alice.auth("alice", "secret");
            assertThatThrownBy(() -> alice.get("secret:1")).isInstanceOf(JedisDataException.class)
                    .hasMessage("NOPERM this user has no permissions to access one of the keys used as arguments");
            assertThatThrownBy(() -> alice.incr("app:n"))
                    .hasMessage("NOPERM this user has no permissions to run the 'incr' command");
            assertThat(alice.set("app:1", "mine")).isEqualTo("OK");
            assertThat(alice.get("app:1")).isEqualTo("mine");
        }
    }

    @Test
    void aRefusedRequestInAPipelineIsAnsweredInItsPlace() {
        try (Jedis alice = new Jedis("127.0.0.1", proxy.port())) {
            alice.auth("alice", "secret");
            Pipeline pipeline = alice.pipelined();
            Response<String> set = pipeline.set("app:p", "1");
            Response<String> refused = pipeline.get("secret:1");
            Response<String> get = pipeline.get("app:p");
            pipeline.sync();
            assertThat(set.get()).isEqualTo("OK");
            assertThatThrownBy(refused::get).hasMessageContaining("NOPERM");
            assertThat(get.get()).isEqualTo("1");
        }
    }

    @Test
    void redisCliLogsInWithUserAndPassword() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/redis-cli")), "redis-cli is not installed");
        Process cli = new ProcessBuilder("/usr/bin/redis-cli", "-p", Integer.toString(proxy.port()), "--user", "alice",
                "--pass", "secret", "--no-auth-warning", "GET", "secret:1").redirectErrorStream(true).start();
        assertThat(cli.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip())
                .isEqualTo("NOPERM this user has no permissions to access one of the keys used as arguments");
    }

    /**
     * Redis 7.0.15 with the same user answers exactly this: a command refused at queue time, for
     * its key or for the command itself, flags the transaction, and EXEC runs none of it.
     */
    @Test
    void aCommandRefusedInsideMultiMakesExecAbortAndNothingRuns() throws Exception {
        RespValue ok = new RespValue.SimpleString("OK");
        RespValue queued = new RespValue.SimpleString("QUEUED");
        RespValue noKey = new RespValue.Error("NOPERM this user has no permissions to access one of the keys used as arguments");
        RespValue execAbort = new RespValue.Error("EXECABORT Transaction discarded because of previous errors.");
        try (RespClient bob = new RespClient(proxy.port()); Jedis onRedis = new Jedis("127.0.0.1", redis.port())) {
            assertThat(bob.call("AUTH", "bob", "pw")).isEqualTo(ok);
            // One by one, each reply read before the next request is sent.
            assertThat(bob.call("MULTI")).isEqualTo(ok);
            assertThat(bob.call("SET", "app:tx-1", "1")).isEqualTo(queued);
            assertThat(bob.call("GET", "secret:1")).isEqualTo(noKey);
            assertThat(bob.call("INCR", "app:n")).isEqualTo(queued);
            assertThat(bob.call("EXEC")).isEqualTo(execAbort);
            // Pipelined, as Jedis's and redis-py's transactions send it.
            bob.pipeline(Request.of("MULTI"), Request.of("SET", "app:tx-2", "1"), Request.of("GET", "secret:1"),
                    Request.of("INCR", "app:n"), Request.of("EXEC"));
            assertThat(bob.read()).isEqualTo(ok);
            assertThat(bob.read()).isEqualTo(queued);
            assertThat(bob.read()).isEqualTo(noKey);
            assertThat(bob.read()).isEqualTo(queued);
            assertThat(bob.read()).isEqualTo(execAbort);
            // A command the user may not run at all.
            bob.pipeline(Request.of("MULTI"), Request.of("SET", "app:tx-3", "1"), Request.of("DEL", "app:tx-3"),
                    Request.of("EXEC"));
            assertThat(bob.read()).isEqualTo(ok);
            assertThat(bob.read()).isEqualTo(queued);
            assertThat(bob.read()).isEqualTo(new RespValue.Error("NOPERM this user has no permissions to run the 'del' command"));
            assertThat(bob.read()).isEqualTo(execAbort);
            assertThat(onRedis.exists("app:tx-1", "app:tx-2", "app:tx-3", "app:n")).as("nothing queued ran").isZero();
            assertThat(bob.call("EXEC")).as("the transaction is over").isEqualTo(new RespValue.Error("ERR EXEC without MULTI"));
        }
    }

    /** Redis 7.0.15's answer too: EXEC refused discards the transaction, which ends there. */
    @Test
    void execItselfRefusedDiscardsTheTransaction() throws Exception {
        try (RespClient carol = new RespClient(proxy.port()); Jedis onRedis = new Jedis("127.0.0.1", redis.port())) {
            assertThat(carol.call("AUTH", "carol", "pw")).isEqualTo(new RespValue.SimpleString("OK"));
            assertThat(carol.call("MULTI")).isEqualTo(new RespValue.SimpleString("OK"));
            assertThat(carol.call("SET", "app:carol", "1")).isEqualTo(new RespValue.SimpleString("QUEUED"));
            assertThat(carol.call("EXEC")).isEqualTo(new RespValue.Error(
                    "EXECABORT Transaction discarded because of: NOPERM this user has no permissions to run the 'exec' command"));
            assertThat(onRedis.exists("app:carol")).isFalse();
            assertThat(carol.call("SET", "app:carol", "2")).as("no longer queued").isEqualTo(new RespValue.SimpleString("OK"));
            assertThat(onRedis.get("app:carol")).isEqualTo("2");
        }
    }
}
