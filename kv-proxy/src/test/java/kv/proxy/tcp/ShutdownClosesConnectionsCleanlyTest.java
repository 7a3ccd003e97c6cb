package kv.proxy.tcp;

import java.nio.file.Path;
import java.util.List;

import kv.proxy.testing.ProxyRunner;
import kv.proxy.testing.RedisServerProcess;
import kv.server.testing.ShutdownTraffic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * kv-proxy shutting down while 150 clients pipeline GETs through it (the cache off, so each is
 * forwarded to the backend and some are in flight): each client reads whole replies and then end
 * of stream, never {@code Connection reset}. Closing the context is what SIGTERM's shutdown hook does.
 */
class ShutdownClosesConnectionsCleanlyTest {

    @TempDir
    Path work;

    @Test
    void everyClientReadsItsLastRepliesThenEndOfStream() throws Exception {
        assumeTrue(RedisServerProcess.available(), "redis-server is not installed");
        try (RedisServerProcess redis = RedisServerProcess.start(work)) {
            try (Jedis jedis = new Jedis("127.0.0.1", redis.port())) {
                jedis.set("k", "v");
            }
            ProxyRunner proxy = ProxyRunner.start(List.of(redis.port()), "kv.proxy.cache.enabled=false");
            try (ShutdownTraffic traffic = new ShutdownTraffic(proxy.port(), 150, "k")) {
                assertThat(traffic.awaitTraffic()).as("every client answered before the shutdown").isTrue();
                proxy.close();
                assertThat(traffic.outcomes()).hasSize(150).allMatch("clean"::equals);
            }
            finally {
                proxy.close();
            }
        }
    }
}
