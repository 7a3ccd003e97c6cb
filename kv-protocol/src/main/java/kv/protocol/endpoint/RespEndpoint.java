package kv.protocol.endpoint;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
import kv.protocol.tcp.Response;
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

    /**
     * The listen backlog: the kernel's most ({@code net.core.somaxconn}), as Netty takes it, not
     * Redis's 511. A JVM pauses now and then (a GC, a thread descheduled on a busy machine); with
     * 511, a burst of new connections overflowed the accept queue during such a pause, and each
     * dropped SYN cost its client a 1 s retransmission: opening 10,000 connections took 5 s
     * instead of 1, four of them in four retransmissions ({@code nstat TcpExtListenOverflows}).
     */
    public static final int BACKLOG = somaxconn();

    private static int somaxconn() {
        // Read by line: Files.readString trusts the size procfs reports, and read "4" of "4096".
        try (BufferedReader reader = Files.newBufferedReader(Path.of("/proc/sys/net/core/somaxconn"))) {
            int max = Integer.parseInt(reader.readLine().trim());
            return max > 0 ? max : 511;
        }
        catch (IOException | RuntimeException e) {
            return 511; // not Linux, or not readable: Redis's default
        }
    }

    /** A listener on {@code bind:port} (port 0: any free port) with kv's codec and connections. */
    public static <F extends RespServerConnectionFactory> F configure(F factory, String bind,
                                                                     RespServerConnectionFactory.ConnectionCreator connections,
                                                                     RespLimits limits, int ioThreads) {
        factory.setLocalAddress(bind);
        factory.setIoThreads(ioThreads);
        factory.setSoTcpNoDelay(true);
        factory.setSoKeepAlive(true);
        factory.setBacklog(BACKLOG);
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
                                                                    BiFunction<Object, S, ? extends Response> dispatch) {
        return handler(requests, sessionType, dispatch, (batch, session) -> dispatchAll(batch, session, dispatch));
    }

    /**
     * As above, with the service's own way of running a pipelined batch. Either function may
     * answer with a {@link DeferredReply}, resolved later from any thread; the connection holds
     * the replies after it until then.
     */
    public static <S> AbstractReplyProducingMessageHandler handler(DirectChannel requests, Class<S> sessionType,
                                                                    BiFunction<Object, S, ? extends Response> dispatch,
                                                                    BiFunction<RequestBatch, S, ? extends Response> dispatchBatch) {
        AbstractReplyProducingMessageHandler handler = new AbstractReplyProducingMessageHandler() {
            @Override
            protected Object handleRequestMessage(Message<?> request) {
                S session = request.getHeaders().get(SessionMessageMapper.SESSION, sessionType);
                Object payload = request.getPayload();
                Response reply = payload instanceof RequestBatch batch
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
     * While every reply is known they are collected straight into the batch's list (no more
     * allocation than one list and one {@link ReplyBatch}).
     *
     * <p>Design note: a reply not known yet (a {@link DeferredReply}: a script, which runs on
     * another thread, or a command waiting for one) stops the batch there. The requests after it
     * are {@linkplain DeferredReply#holdingBack held back} and the connection runs them once it is
     * resolved, exactly as it holds requests that arrive while a reply is awaited: a pipeline
     * behaves as the same requests sent one at a time. Running them at once instead let a GET
     * pipelined after an EVAL run before the script, and a MULTI waiting for a script let the
     * SET after it run outside the transaction (the differential judge's pipelined scripts).
     */
    private static <S> Response dispatchAll(RequestBatch batch, S session,
                                            BiFunction<Object, S, ? extends Response> dispatch) {
        List<Request> requests = batch.requests();
        List<Reply> known = new ArrayList<>(requests.size() + 1);
        List<Response> all = null; // from the first deferred reply on
        for (int i = 0; i < requests.size(); i++) {
            Response reply = dispatch.apply(requests.get(i), session);
            all = collect(reply, known, all);
            Response.Ready now = reply.ready();
            if (now != null && now.closeAfterWrite()) {
                return batchOf(known, all);
            }
            boolean more = i + 1 < requests.size() || batch.malformed() != null;
            if (now == null && more) {
                RequestBatch rest = new RequestBatch(List.copyOf(requests.subList(i + 1, requests.size())),
                        batch.malformed());
                return ((DeferredReply) batchOf(known, all)).holdingBack(rest);
            }
        }
        if (batch.malformed() != null) {
            all = collect(dispatch.apply(batch.malformed(), session), known, all);
        }
        return batchOf(known, all);
    }

    private static List<Response> collect(Response reply, List<Reply> known, List<Response> all) {
        if (all == null && reply instanceof Response.Ready now) {
            now.addTo(known);
            return null;
        }
        if (all == null) {
            all = new ArrayList<>(known.size() + 4);
            all.addAll(known);
        }
        all.add(reply);
        return all;
    }

    private static Response batchOf(List<Reply> known, List<Response> all) {
        if (all == null) {
            return new ReplyBatch(known);
        }
        DeferredReply whole = new DeferredReply();
        List<DeferredReply> pending = new ArrayList<>();
        for (Response reply : all) {
            if (reply instanceof DeferredReply part) {
                pending.add(part);
            }
        }
        AtomicInteger unresolved = new AtomicInteger(pending.size());
        for (DeferredReply part : pending) {
            part.whenResolved(() -> {
                if (unresolved.decrementAndGet() == 0) {
                    List<Reply> replies = new ArrayList<>(all.size());
                    for (Response reply : all) {
                        reply.ready().addTo(replies);
                    }
                    whole.resolve(new ReplyBatch(replies));
                }
            });
        }
        return whole;
    }
}
