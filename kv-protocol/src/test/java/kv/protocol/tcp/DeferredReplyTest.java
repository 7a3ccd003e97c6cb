package kv.protocol.tcp;

import java.util.ArrayList;
import java.util.List;

import kv.protocol.resp.Replies;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DeferredReplyTest {

    private static final Reply PONG = Reply.of(Replies.PONG, 2);

    @Test
    void everyCallbackRegisteredBeforeTheReplyRunsOnceInOrder() {
        DeferredReply deferred = new DeferredReply();
        List<String> ran = new ArrayList<>();
        deferred.whenResolved(() -> ran.add("connection"));
        deferred.whenResolved(() -> ran.add("batch"));
        deferred.whenResolved(() -> ran.add("third"));
        assertThat(ran).isEmpty();
        assertThat(deferred.ready()).isNull();

        deferred.resolve(PONG);

        assertThat(ran).containsExactly("connection", "batch", "third");
        assertThat(deferred.ready()).isSameAs(PONG);
    }

    @Test
    void aCallbackRegisteredAfterTheReplyRunsAtOnce() {
        DeferredReply deferred = new DeferredReply();
        deferred.resolve(PONG);
        List<String> ran = new ArrayList<>();
        deferred.whenResolved(() -> ran.add("late"));
        assertThat(ran).containsExactly("late");
    }

    @Test
    void aCallbackThatThrowsDoesNotKeepTheOthersFromRunning() {
        DeferredReply deferred = new DeferredReply();
        List<String> ran = new ArrayList<>();
        deferred.whenResolved(() -> {
            throw new IllegalStateException("first fails");
        });
        deferred.whenResolved(() -> ran.add("second"));
        assertThatThrownBy(() -> deferred.resolve(PONG)).hasMessage("first fails");
        assertThat(ran).containsExactly("second");
        assertThat(deferred.ready()).isSameAs(PONG);
    }

    @Test
    void aReplyIsResolvedOnlyOnce() {
        DeferredReply deferred = new DeferredReply();
        deferred.resolve(PONG);
        assertThatThrownBy(() -> deferred.resolve(Reply.of(Replies.OK, 2))).isInstanceOf(IllegalStateException.class);
        assertThat(deferred.ready()).isSameAs(PONG);
    }

    @Test
    void aBatchClosesTheConnectionWhenItsLastReplyDoes() {
        ReplyBatch batch = new ReplyBatch(List.of(PONG, new Reply(Replies.OK, 2, true)));
        assertThat(batch.closeAfterWrite()).isTrue();
        assertThat(new ReplyBatch(List.of(PONG)).closeAfterWrite()).isFalse();
        List<Reply> out = new ArrayList<>();
        batch.addTo(out);
        PONG.addTo(out);
        assertThat(out).containsExactly(PONG, batch.replies().get(1), PONG);
    }
}
