package kv.protocol.tcp;

import java.util.List;

/** The replies to a {@link RequestBatch}, in order; the connection closes after them if the last says so. */
public record ReplyBatch(List<Reply> replies) implements Response.Ready {

    /** Nothing to send: the answer to a command whose reply the client turned off (CLIENT REPLY OFF|SKIP). */
    public static final ReplyBatch NONE = new ReplyBatch(List.of());

    @Override
    public boolean closeAfterWrite() {
        return !replies.isEmpty() && replies.get(replies.size() - 1).closeAfterWrite();
    }

    @Override
    public void addTo(List<Reply> out) {
        out.addAll(replies);
    }
}
