package kv.proxy.command;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import kv.protocol.resp.Replies;
import kv.protocol.resp.RespValue;
import kv.protocol.resp.Request;
import kv.protocol.tcp.Reply;
import kv.protocol.tcp.ReplyBatch;
import kv.protocol.tcp.RequestBatch;
import kv.proxy.backend.Backend;
import kv.proxy.backend.BackendUnavailableException;
import kv.proxy.backend.Backends;
import kv.proxy.cache.CoherentCache;
import kv.proxy.tcp.ClientSession;
import org.springframework.stereotype.Component;

/**
 * Forwards a client's pipelined batch the way twemproxy does: the GET misses and SETs bound for
 * one backend leave as one pipelined write, so a batch costs one round trip per backend instead
 * of one per request.
 *
 * <p>Design note: the batch is cut into runs of {@code GET key} and {@code SET key value} in
 * which no key appears twice; everything else (and a key seen again) is handled alone, in order,
 * by the {@link ProxyDispatcher}, so the client gets what it would get one request at a time.
 * Within a run each GET first joins the cache ({@link CoherentCache#begin}: a hit needs nothing,
 * a miss places its placeholder before anything is sent), then every backend's share is sent at
 * once, then placeholders are filled and the SETs' keys withdrawn from the cache, all before the
 * replies leave. The coherence rules are those of a single GET or SET.
 */
@Component
public class PipelineForwarder {

    private final ProxyDispatcher dispatcher;
    private final CoherentCache cache;
    private final Backends backends;

    public PipelineForwarder(ProxyDispatcher dispatcher, CoherentCache cache, Backends backends) {
        this.dispatcher = dispatcher;
        this.cache = cache;
        this.backends = backends;
    }

    public ReplyBatch dispatch(RequestBatch batch, ClientSession session) {
        List<Request> requests = batch.requests();
        List<Reply> replies = new ArrayList<>(requests.size() + 1);
        int i = 0;
        while (i < requests.size()) {
            int end = runEnd(requests, i);
            if (end == i) {
                Reply reply = dispatcher.dispatch(requests.get(i), session);
                replies.add(reply);
                if (reply.closeAfterWrite()) {
                    return new ReplyBatch(replies);
                }
                i++;
                continue;
            }
            for (RespValue value : forward(requests.subList(i, end), session)) {
                replies.add(new Reply(value, session.protocol(), false));
            }
            i = end;
        }
        if (batch.malformed() != null) {
            replies.add(dispatcher.dispatch(batch.malformed(), session));
        }
        return new ReplyBatch(replies);
    }

    /** End (exclusive) of the run of forwardable requests from {@code start}; start if there is none. */
    private static int runEnd(List<Request> requests, int start) {
        Set<java.nio.ByteBuffer> keys = new HashSet<>();
        int i = start;
        while (i < requests.size() && forwardable(requests.get(i))
                && keys.add(java.nio.ByteBuffer.wrap(requests.get(i).arg(1)))) {
            i++;
        }
        return i - start >= 2 ? i : start;
    }

    private static boolean forwardable(Request request) {
        return request.size() == 2 && request.argIs(0, "get") || request.size() == 3 && request.argIs(0, "set");
    }

    private List<RespValue> forward(List<Request> run, ClientSession session) {
        RespValue[] replies = new RespValue[run.size()];
        boolean[] unreachable = new boolean[run.size()];
        CoherentCache.PendingRead[] reads = new CoherentCache.PendingRead[run.size()];
        Map<Backend, List<Integer>> sends = new LinkedHashMap<>();
        for (int i = 0; i < run.size(); i++) {
            Request request = run.get(i);
            Backend owner = backends.owner(request.arg(1));
            if (request.argIs(0, "get")) {
                reads[i] = cache.begin(owner, request.arg(1));
                if (!reads[i].mustFetch()) {
                    continue;
                }
            }
            sends.computeIfAbsent(owner, b -> new ArrayList<>()).add(i);
        }
        List<byte[]> written = new ArrayList<>();
        for (Map.Entry<Backend, List<Integer>> send : sends.entrySet()) {
            List<Request> pipelined = new ArrayList<>(send.getValue().size());
            for (int i : send.getValue()) {
                Request request = run.get(i);
                pipelined.add(reads[i] != null ? CoherentCache.getRequest(request.arg(1)) : request);
                if (reads[i] == null) {
                    written.add(request.arg(1));
                }
            }
            try {
                List<RespValue> answers = send.getKey().callAll(pipelined);
                for (int k = 0; k < answers.size(); k++) {
                    replies[send.getValue().get(k)] = answers.get(k);
                }
            }
            catch (BackendUnavailableException e) {
                for (int i : send.getValue()) {
                    replies[i] = Replies.error(e.getMessage());
                    unreachable[i] = true;
                    if (reads[i] != null) {
                        cache.failed(reads[i], e);
                    }
                }
            }
        }
        // Withdrawn whatever the outcome, before the client hears back (read-your-writes).
        cache.written(written);
        // Every placeholder of this batch is filled before it waits on anyone else's.
        for (int i = 0; i < run.size(); i++) {
            if (reads[i] != null && !unreachable[i]) {
                cache.fill(reads[i], replies[i]);
            }
        }
        List<RespValue> out = new ArrayList<>(run.size());
        for (int i = 0; i < run.size(); i++) {
            if (reads[i] == null) {
                out.add(replies[i]);
            }
            else if (unreachable[i]) {
                out.add(replies[i]); // the fetch failed; its placeholder was failed above
            }
            else {
                try {
                    out.add(KeyCommands.marked(cache.finish(reads[i], replies[i]), session));
                }
                catch (BackendUnavailableException e) {
                    out.add(Replies.error(e.getMessage()));
                }
            }
        }
        return out;
    }
}
