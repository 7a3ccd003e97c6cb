package kv.protocol.tcp;

import java.util.List;

import kv.protocol.resp.RespValue;

/** The replies to a {@link RequestBatch} sent pipelined to one server, in order. */
public record ReplyList(List<RespValue> replies) {
}
