package kv.proxy.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import kv.protocol.resp.RespValue;
import kv.proxy.backend.Backend;
import kv.proxy.backend.Backends;
import kv.proxy.testing.Await;
import kv.proxy.testing.ProxyRunner;
import kv.proxy.testing.RedisServerProcess;
import kv.proxy.testing.RespClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A script that loops for ever, sent through the proxy: other clients get the backend's -BUSY,
 * SCRIPT KILL through the proxy stops it, and the backend stays UP (the script ran on a connection
 * of its own, not on a pooled one whose reply timeout would have marked the backend DOWN).
 */
class ScriptKillThroughTheProxyTest {

    @TempDir
    Path work;

    RedisServerProcess redis;
    ProxyRunner proxy;

    @BeforeEach
    void start() throws Exception {
        assumeTrue(RedisServerProcess.available(), "redis-server is not installed");
        redis = RedisServerProcess.start(work, List.of("--busy-reply-threshold", "100"));
        proxy = ProxyRunner.start(List.of(redis.port()));
        proxy.awaitCoherent();
    }

    @AfterEach
    void stop() throws Exception {
        if (proxy != null) {
            proxy.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void aScriptThatLoopsForEverIsStoppedWithScriptKillThroughTheProxy() throws Exception {
        try (RespClient looping = new RespClient(proxy.port()); RespClient other = new RespClient(proxy.port())) {
            other.call("SET", "k", "v");
            looping.send("EVAL", "while true do end", "0");
            Await.until("other clients to get -BUSY", Duration.ofSeconds(10), () -> {
                RespValue reply;
                try {
                    reply = other.call("STRLEN", "k"); // not cached: it reaches the backend
                }
                catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                return reply instanceof RespValue.Error error && error.message().startsWith("BUSY");
            });
            assertThat(other.call("SCRIPT", "KILL")).isEqualTo(new RespValue.SimpleString("OK"));
            RespValue killed = looping.read();
            assertThat(killed).isInstanceOf(RespValue.Error.class);
            assertThat(((RespValue.Error) killed).message()).contains("Script killed by user with SCRIPT KILL");
            assertThat(other.call("GET", "k")).isEqualTo(RespValue.BulkString.of("v"));
            assertThat(proxy.bean(Backends.class).all()).allMatch(Backend::isUp);
            assertThat(other.call("SCRIPT", "KILL"))
                    .isEqualTo(new RespValue.Error("NOTBUSY No scripts in execution right now."));
        }
    }
}
