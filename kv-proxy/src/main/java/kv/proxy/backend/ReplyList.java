package kv.proxy.backend;

import java.util.List;

import kv.protocol.resp.RespValue;

/** The replies to a pipelined batch of requests sent to one backend, in order. */
record ReplyList(List<RespValue> replies) {
}
