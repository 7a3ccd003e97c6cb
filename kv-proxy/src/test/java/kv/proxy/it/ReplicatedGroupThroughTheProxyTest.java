package kv.proxy.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import kv.protocol.resp.RespValue;
import kv.proxy.backend.Backend;
import kv.proxy.backend.Backends;
import kv.proxy.testing.Await;
import kv.proxy.testing.ProxyRunner;
import kv.proxy.testing.ReplicatedRedisGroup;
import kv.proxy.testing.RespClient;
import kv.server.testing.Actuator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kv-proxy in front of one replicated group ({@code a|b|c}): it finds the leader, follows a
 * leader change (a deposed leader's {@code -READONLY}, a leader killed with SIGKILL) with at most
 * a retryable error for a client, and never serves from its cache a value replaced through the
 * new leader. The group is {@link ReplicatedRedisGroup}, three redis-servers with a manual
 * failover, which keep the contract a kv-server group keeps (ROLE, -READONLY).
 */
class ReplicatedGroupThroughTheProxyTest {

    @TempDir
    static Path dir;
    private static ReplicatedRedisGroup group;
    private static ProxyRunner proxy;

    @BeforeAll
    static void start() throws IOException {
        assumeTrue(kv.proxy.testing.RedisServerProcess.available(), "needs /usr/bin/redis-server");
        group = ReplicatedRedisGroup.start(dir, 1); // the leader in the middle: found, not just the first
        proxy = ProxyRunner.start(List.of(), "kv.proxy.backends=" + group.backendsSetting(),
                "kv.proxy.timeouts.failover=5s").awaitCoherent();
    }

    @AfterAll
    static void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (group != null) {
            group.close();
        }
    }

    /** Every member alive and member 1 the leader again, as the proxy sees it, before each test. */
    @BeforeEach
    void wholeGroupWithLeaderOne() throws IOException {
        for (int i = 0; i < 3; i++) {
            if (!group.member(i).isAlive()) {
                group.member(i).start();
            }
        }
        group.makeLeader(1);
        group.awaitFollowersConnected();
        awaitProxyFollows(1);
    }

    @Test
    void theProxyFindsTheLeaderWhereverItIsListedAndWritesThroughIt() throws IOException {
        try (RespClient client = new RespClient(proxy.port())) {
            assertThat(client.call("SET", "found", "yes")).isEqualTo(new RespValue.SimpleString("OK"));
        }
        assertThat(group.call(1, "GET", "found")).isEqualTo(RespValue.BulkString.of("yes"));

        String info = info();
        assertThat(info).contains("group0:addr=" + group.backendsSetting() + ",leader=127.0.0.1:" + group.port(1));
        assertThat(info).contains("127.0.0.1:" + group.port(0) + ":up:follower");
        String health = new Actuator(proxy.actuatorPort()).getAuthenticated("/actuator/health").body();
        assertThat(health).contains("\"leader\":\"127.0.0.1:" + group.port(1) + "\"")
                .contains("\"members\"").contains("\"lag\"");
    }

    @Test
    void aLeaderThatBecameAFollowerIsFollowedWithoutTheClientSeeingAnError() throws IOException {
        group.makeLeader(2); // member 1 is alive and answers writes with -READONLY now
        group.awaitFollowersConnected();
        try (RespClient client = new RespClient(proxy.port())) {
            // The first write reaches member 1, which refuses it: nothing was written, so the proxy
            // looks for the leader and sends it again there.
            assertThat(client.call("SET", "moved", "on")).isEqualTo(new RespValue.SimpleString("OK"));
            assertThat(client.call("INCR", "moved-count")).isEqualTo(new RespValue.Integer(1));
        }
        assertThat(group.call(2, "GET", "moved")).isEqualTo(RespValue.BulkString.of("on"));
        assertThat(group.call(2, "GET", "moved-count")).isEqualTo(RespValue.BulkString.of("1"));
        awaitProxyFollows(2);
    }

    @Test
    void aReadWhileTheGroupHasNoLeaderWaitsForTheNewOneInsteadOfFailing() throws Exception {
        try (RespClient client = new RespClient(proxy.port())) {
            assertThat(client.call("SET", "kept", "v1")).isEqualTo(new RespValue.SimpleString("OK"));
        }
        group.awaitReplicated();
        group.member(1).kill(); // no member is the leader until makeLeader below
        CompletableFuture<RespValue> read = CompletableFuture.supplyAsync(() -> {
            try (RespClient client = new RespClient(proxy.port())) {
                return client.call("GET", "kept");
            }
            catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        Thread.sleep(300); // the read is waiting for a leader (a sleep here only delays the failover)
        group.makeLeader(0);
        assertThat(read.get(10, TimeUnit.SECONDS)).isEqualTo(RespValue.BulkString.of("v1"));
    }

    @Test
    void aWriteWhileTheLeaderIsKilledGetsAtMostARetryableErrorAndThenReachesTheNewLeader() throws Exception {
        group.member(1).kill();
        group.makeLeader(2);
        try (RespClient client = new RespClient(proxy.port())) {
            RespValue reply = null;
            for (int attempt = 0; attempt < 50; attempt++) {
                reply = client.call("SET", "after-kill", "written");
                if (reply.equals(new RespValue.SimpleString("OK"))) {
                    break;
                }
                // Anything else is the proxy's clear error that the write may be retried.
                assertThat(reply).isInstanceOf(RespValue.Error.class);
                assertThat(((RespValue.Error) reply).message()).startsWith("ERR backend " + group.backendsSetting());
            }
            assertThat(reply).isEqualTo(new RespValue.SimpleString("OK"));
        }
        assertThat(group.call(2, "GET", "after-kill")).isEqualTo(RespValue.BulkString.of("written"));
        awaitProxyFollows(2);
    }

    @Test
    void valuesWrittenThroughAMemberWhileTheTrackedLeaderIsKilledAreNeverServedStale() throws Exception {
        Backend backend = proxy.bean(Backends.class).all().get(0);
        try (RespClient client = new RespClient(proxy.port())) {
            assertThat(client.call("SET", "fresh", "old")).isEqualTo(new RespValue.SimpleString("OK"));
            client.call("GET", "fresh");
            long hits = proxy.cache().stats().hits();
            assertThat(client.call("GET", "fresh")).isEqualTo(RespValue.BulkString.of("old"));
            assertThat(proxy.cache().stats().hits()).as("the value is cached").isGreaterThan(hits);
        }
        group.awaitReplicated();
        group.member(1).kill(); // the member whose invalidations the proxy is subscribed to
        Await.until("the proxy to notice its stream is gone", Duration.ofSeconds(5),
                () -> !proxy.cache().isCoherent(backend));
        group.makeLeader(0);
        // Written straight to the new leader, where the proxy's subscription is not (yet).
        assertThat(group.call(0, "SET", "fresh", "new")).isEqualTo(new RespValue.SimpleString("OK"));
        try (RespClient client = new RespClient(proxy.port())) {
            assertThat(client.call("GET", "fresh")).isEqualTo(RespValue.BulkString.of("new"));
            awaitProxyFollows(0);
            for (int i = 0; i < 20; i++) { // cached again, under the new leader's subscription
                assertThat(client.call("GET", "fresh")).isEqualTo(RespValue.BulkString.of("new"));
            }
            // And the new subscription withdraws it when it changes through a follower's leader.
            proxy.awaitInvalidationOf(() -> group.call(0, "SET", "fresh", "newer"));
            assertThat(client.call("GET", "fresh")).isEqualTo(RespValue.BulkString.of("newer"));
        }
    }

    @Test
    void aLeaderChangeDropsTheGroupsCachedEntriesBeforeTheNewLeaderIsRead() throws Exception {
        Backend backend = proxy.bean(Backends.class).all().get(0);
        try (RespClient client = new RespClient(proxy.port())) {
            client.call("SET", "moving", "v1");
            client.call("GET", "moving");
            assertThat(client.call("GET", "moving")).isEqualTo(RespValue.BulkString.of("v1"));
        }
        long flushes = proxy.cache().stats().flushes();
        group.makeLeader(0); // member 1 stays alive, a follower now
        awaitProxyFollows(0);
        assertThat(proxy.cache().stats().flushes()).as("entries dropped on the change").isGreaterThan(flushes);
        assertThat(group.call(0, "SET", "moving", "v2")).isEqualTo(new RespValue.SimpleString("OK"));
        try (RespClient client = new RespClient(proxy.port())) {
            Await.until("the proxy to be subscribed on the new leader", Duration.ofSeconds(5),
                    () -> proxy.cache().isCoherent(backend));
            proxy.awaitInvalidationOf(() -> group.call(0, "SET", "moving", "v3"));
            assertThat(client.call("GET", "moving")).isEqualTo(RespValue.BulkString.of("v3"));
        }
    }

    private static void awaitProxyFollows(int member) {
        Backend backend = proxy.bean(Backends.class).all().get(0);
        Await.until("the proxy to follow member " + member, Duration.ofSeconds(10),
                () -> backend.leader() != null && backend.leader().address().port() == group.port(member)
                        && proxy.cache().isCoherent(backend));
    }

    private static String info() throws IOException {
        try (RespClient client = new RespClient(proxy.port())) {
            return ((RespValue.BulkString) client.call("INFO", "backends")).asString();
        }
    }
}
