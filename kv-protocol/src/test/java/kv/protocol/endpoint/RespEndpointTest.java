package kv.protocol.endpoint;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

import kv.protocol.resp.Replies;
import kv.protocol.resp.Request;
import kv.protocol.tcp.DeferredReply;
import kv.protocol.tcp.MalformedRequest;
import kv.protocol.tcp.Reply;
import kv.protocol.tcp.ReplyBatch;
import kv.protocol.tcp.RequestBatch;
import kv.protocol.tcp.Response;
import org.junit.jupiter.api.Test;
import org.springframework.integration.channel.DirectChannel;
import org.springframework.integration.channel.QueueChannel;
import org.springframework.integration.support.MessageBuilder;
import org.springframework.messaging.Message;

import static org.assertj.core.api.Assertions.assertThat;

/** The handler between the gateway and a service's dispatcher, run without sockets. */
class RespEndpointTest {

    /** PING: a reply now; LATER: a reply later, resolved by the test; QUIT: a reply that closes. */
    private final List<DeferredReply> later = new ArrayList<>();
    private final BiFunction<Object, String, Response> dispatch = (payload, session) -> {
        if (payload instanceof MalformedRequest malformed) {
            return new Reply(Replies.protocolError(malformed.detail()), 2, true);
        }
        Request request = (Request) payload;
        if (request.argIs(0, "later")) {
            DeferredReply deferred = new DeferredReply();
            later.add(deferred);
            return deferred;
        }
        return new Reply(request.argIs(0, "quit") ? Replies.OK : Replies.bulk(session + ":" + request.argString(1)),
                2, request.argIs(0, "quit"));
    };

    private Response send(RequestBatch batch) {
        DirectChannel requests = new DirectChannel();
        RespEndpoint.handler(requests, String.class, dispatch);
        QueueChannel replies = new QueueChannel();
        requests.send(MessageBuilder.withPayload(batch).setHeader(SessionMessageMapper.SESSION, "s")
                .setReplyChannel(replies).build());
        Message<?> reply = replies.receive(0);
        assertThat(reply).isNotNull();
        return (Response) reply.getPayload();
    }

    private static Request ping(String word) {
        return Request.of("PING", word);
    }

    @Test
    void aBatchWhoseRepliesAreAllKnownIsOneReplyBatchInOrder() {
        Response response = send(new RequestBatch(List.of(ping("a"), ping("b")), null));
        assertThat(response).isInstanceOf(ReplyBatch.class);
        assertThat(((ReplyBatch) response).replies()).extracting(Reply::value)
                .containsExactly(Replies.bulk("s:a"), Replies.bulk("s:b"));
    }

    @Test
    void theRequestsAfterADeferredReplyAreHeldBackUntilItIsResolvedAsIfSentOneAtATime() {
        Response response = send(new RequestBatch(List.of(ping("a"), Request.of("LATER"), ping("b"), Request.of("LATER")),
                new MalformedRequest("invalid bulk length")));
        assertThat(later).hasSize(1); // "b" and the second LATER have not run
        assertThat(response).isInstanceOf(DeferredReply.class);
        DeferredReply deferred = (DeferredReply) response;
        assertThat(deferred.ready()).isNull();
        RequestBatch rest = deferred.takeHeldBack();
        assertThat(rest).isEqualTo(new RequestBatch(List.of(ping("b"), Request.of("LATER")),
                new MalformedRequest("invalid bulk length")));
        assertThat(deferred.takeHeldBack()).as("handed over once").isNull();
        List<String> flushed = new ArrayList<>();
        deferred.whenResolved(() -> flushed.add("connection"));

        later.get(0).resolve(new ReplyBatch(List.of(Reply.of(Replies.bulk("first"), 2))));

        assertThat(flushed).containsExactly("connection");
        assertThat(((ReplyBatch) deferred.ready()).replies()).extracting(Reply::value)
                .containsExactly(Replies.bulk("s:a"), Replies.bulk("first"));
    }

    @Test
    void aDeferredReplyLastInItsBatchHoldsNothingBack() {
        DeferredReply response = (DeferredReply) send(new RequestBatch(List.of(ping("a"), Request.of("LATER")), null));
        assertThat(response.takeHeldBack()).isNull();
        later.get(0).resolve(Reply.of(Replies.bulk("second"), 2));
        assertThat(((ReplyBatch) response.ready()).replies()).extracting(Reply::value)
                .containsExactly(Replies.bulk("s:a"), Replies.bulk("second"));
    }

    @Test
    void aBatchStopsAfterAReplyThatClosesTheConnection() {
        Response response = send(new RequestBatch(List.of(ping("a"), Request.of("QUIT"), ping("never")),
                new MalformedRequest("never seen")));
        ReplyBatch batch = (ReplyBatch) response;
        assertThat(batch.replies()).extracting(Reply::value).containsExactly(Replies.bulk("s:a"), Replies.OK);
        assertThat(batch.closeAfterWrite()).isTrue();
    }

    @Test
    void malformedBytesAtTheEndOfABatchAreAnsweredLastAndClose() {
        Response response = send(new RequestBatch(List.of(ping("a")), new MalformedRequest("invalid bulk length")));
        ReplyBatch batch = (ReplyBatch) response;
        assertThat(batch.replies()).extracting(Reply::value)
                .containsExactly(Replies.bulk("s:a"), Replies.protocolError("invalid bulk length"));
        assertThat(batch.closeAfterWrite()).isTrue();
    }
}
