package kv.proxy.backend;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.util.List;
import java.util.concurrent.CompletionException;

import kv.protocol.resp.Request;
import kv.protocol.resp.RespValue;
import org.junit.jupiter.api.Test;

class FailoverRetryTest {

    @Test
    void readsAndSelectsMaySafelyBeSentAgainButNoWriteMay() {
        assertThat(FailoverRetry.safeToRepeat(List.of(Request.of("GET", "k"), Request.of("PTTL", "k")))).isTrue();
        assertThat(FailoverRetry.safeToRepeat(List.of(Request.of("SELECT", "2"), Request.of("MGET", "a", "b"),
                Request.of("SELECT", "0")))).isTrue();
        assertThat(FailoverRetry.safeToRepeat(List.of(Request.of("GET", "k"), Request.of("INCR", "k")))).isFalse();
        assertThat(FailoverRetry.safeToRepeat(List.of(Request.of("EVAL", "return 1", "0")))).isFalse();
        assertThat(FailoverRetry.safeToRepeat(List.of(Request.of("NOSUCHCOMMAND")))).isFalse();
    }

    @Test
    void aReadonlyErrorAnywhereInTheRepliesIsAFollowersRefusal() {
        assertThat(FailoverRetry.refusedByFollower(List.of(RespValue.BulkString.of("v"),
                new RespValue.Error("READONLY You can't write against a read only replica.")))).isTrue();
        assertThat(FailoverRetry.refusedByFollower(List.of(new RespValue.Error("ERR value is not an integer")))).isFalse();
    }

    @Test
    void aRefusedConnectionSentNothingButALostOneMayHave() {
        assertThat(FailoverRetry.neverSent(new CompletionException(new IOException(new ConnectException("refused")))))
                .isTrue();
        assertThat(FailoverRetry.neverSent(new IOException("Connection reset"))).isFalse();
        Backend single = new Backend("127.0.0.1:1", List.of(new GroupMember(
                new kv.proxy.config.BackendAddress("127.0.0.1", 1), null, null, null)), 1,
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry().timer("t"),
                java.time.Duration.ofSeconds(1), java.time.Duration.ofSeconds(1), java.time.Duration.ofSeconds(1));
        // Refused before sending (no leader, DOWN): nothing reached a member.
        assertThat(FailoverRetry.neverSent(new BackendUnavailableException(single, null))).isTrue();
        assertThat(FailoverRetry.neverSent(BackendUnavailableException.outcomeUnknown(single, null))).isFalse();
        assertThat(FailoverRetry.neverSent(new BackendUnavailableException(single, new IOException("reset")))).isFalse();
    }
}
