package kv.protocol.tcp;

import java.util.List;

import kv.protocol.resp.Request;

/**
 * Requests a client pipelined and that arrived together, handled as one message: Spring
 * Integration's per-message cost (headers, reply channel) is paid once per batch instead of once
 * per command. {@code malformed} is non-null if the batch ended on bytes that are not a request.
 */
public record RequestBatch(List<Request> requests, MalformedRequest malformed) {
}
