package kv.protocol.endpoint;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

import kv.protocol.resp.RespDecoder;
import kv.protocol.resp.RespLimits;
import kv.protocol.resp.Request;
import kv.protocol.tcp.DeferredReply;
import kv.protocol.tcp.Reply;
import kv.protocol.tcp.ReplyBatch;
import kv.protocol.tcp.RequestBatch;
import kv.protocol.tcp.RespRequestDeserializer;
import kv.protocol.tcp.RespSerializer;
import org.springframework.integration.channel.DirectChannel;
import org.springframework.integration.handler.AbstractReplyProducingMessageHandler;
import org.springframework.integration.ip.tcp.inbound.TcpInboundGateway;
import org.springframework.messaging.Message;
import org.springframework.messaging.support.GenericMessage;

/**
 * Builds the pieces of a kv service's RESP endpoint, the same for the server and the proxy: an
 * event-loop connection factory ({@link RespServerConnectionFactory}: each connection's requests
 * run in order on its loop's thread, which keeps pipelined replies in order), a
 * {@link TcpInboundGateway} and a direct channel to the service's dispatcher, which runs on that
 * thread and writes its reply back on it.
 */
public final class RespEndpoint {

    private RespEndpoint() {
    }

    /** A listener on {@code bind:port} (port 0: any free port) with kv's codec and connections. */
    public static <F extends RespServerConnectionFactory> F configure(F factory, String bind,
                                                                     RespServerConnectionFactory.ConnectionCreator connections,
                                                                     RespLimits limits, int ioThreads) {
        factory.setLocalAddress(bind);
        factory.setIoThreads(ioThreads);
        factory.setSoTcpNoDelay(true);
        factory.setSoKeepAlive(true);
        factory.setBacklog(511);
        factory.setLookupHost(false);
        factory.setConnectionCreator(connections);
        factory.setMapper(new SessionMessageMapper());
        factory.setDeserializer(new RespRequestDeserializer(new RespDecoder(limits)));
        factory.setSerializer(new RespSerializer());
        return factory;
    }

    public static TcpInboundGateway gateway(RespServerConnectionFactory factory, DirectChannel requests) {
        TcpInboundGateway gateway = new TcpInboundGateway();
        gateway.setConnectionFactory(factory);
        gateway.setRequestChannel(requests);
        return gateway;
    }

    /**
     * The handler behind the gateway: hands each request (a {@code Request} or a
     * {@code MalformedRequest}, one by one also from a {@link RequestBatch}) and the client's
     * session to {@code dispatch}, and subscribes itself to {@code requests}. Request headers are
     * not copied into replies: nothing reads them.
     */
    public static <S> AbstractReplyProducingMessageHandler handler(DirectChannel requests, Class<S> sessionType,
                                                                    BiFunction<Object, S, ?> dispatch) {
        return handler(requests, sessionType, dispatch, (batch, session) -> dispatchAll(batch, session, dispatch));
    }

    /**
     * As above, with the service's own way of running a pipelined batch. Either function may
     * answer with a {@link DeferredReply}, resolved later from any thread; the connection holds
     * the replies after it until then.
     */
    public static <S> AbstractReplyProducingMessageHandler handler(DirectChannel requests, Class<S> sessionType,
                                                                    BiFunction<Object, S, ?> dispatch,
                                                                    BiFunction<RequestBatch, S, ?> dispatchBatch) {
        AbstractReplyProducingMessageHandler handler = new AbstractReplyProducingMessageHandler() {
            @Override
            protected Object handleRequestMessage(Message<?> request) {
                S session = request.getHeaders().get(SessionMessageMapper.SESSION, sessionType);
                Object payload = request.getPayload();
                Object reply = payload instanceof RequestBatch batch
                        ? dispatchBatch.apply(batch, session)
                        : dispatch.apply(payload, session);
                // A message, not a bare payload: Spring Integration would otherwise build one and
                // copy the request's headers into it (the gateway routes the reply by the
                // request's connection id, so the reply needs none).
                return new GenericMessage<>(reply);
            }

            @Override
            protected boolean shouldCopyRequestHeaders() {
                return false;
            }
        };
        requests.subscribe(handler);
        return handler;
    }

    /**
     * Runs a pipelined batch in order; stops after a reply that closes the connection (QUIT).
     * Each reply is a {@link Reply} or a {@link DeferredReply}; if any is deferred, so is the
     * batch's, until all of them are known.
     */
    private static <S> Object dispatchAll(RequestBatch batch, S session, BiFunction<Object, S, ?> dispatch) {
        List<Object> replies = new ArrayList<>(batch.requests().size() + 1);
        boolean deferred = false;
        for (Request request : batch.requests()) {
            Object reply = dispatch.apply(request, session);
            replies.add(reply);
            deferred |= reply instanceof DeferredReply;
            if (reply instanceof Reply known && known.closeAfterWrite()) {
                return batchOf(replies, deferred);
            }
        }
        if (batch.malformed() != null) {
            replies.add(dispatch.apply(batch.malformed(), session));
        }
        return batchOf(replies, deferred);
    }

    @SuppressWarnings("unchecked")
    private static Object batchOf(List<Object> replies, boolean deferred) {
        if (!deferred) {
            return new ReplyBatch((List<Reply>) (List<?>) replies);
        }
        DeferredReply whole = new DeferredReply();
        List<DeferredReply> pending = new ArrayList<>();
        for (Object reply : replies) {
            if (reply instanceof DeferredReply part) {
                pending.add(part);
            }
        }
        AtomicInteger unresolved = new AtomicInteger(pending.size());
        for (DeferredReply part : pending) {
            part.whenResolved(() -> {
                if (unresolved.decrementAndGet() == 0) {
                    List<Reply> known = new ArrayList<>(replies.size());
                    for (Object reply : replies) {
                        known.add((Reply) (reply instanceof DeferredReply later ? later.resolved() : reply));
                    }
                    whole.resolve(new ReplyBatch(known));
                }
            });
        }
        return whole;
    }
}
