package kv.protocol.tcp;

import java.util.List;

/**
 * What a service answers a request, or a client's pipelined batch, with: a reply known now
 * ({@link Reply}, or {@link ReplyBatch} for a batch), which says whether the connection closes
 * once it is written (QUIT, a protocol error), or a reply known later ({@link DeferredReply}),
 * which the connection holds, with every reply after it, until it is resolved.
 *
 * <p>Design note: the cases are records and one small class, not wrappers around a reply, so
 * answering a GET costs the one {@link Reply} it always did.
 */
public sealed interface Response permits Response.Ready, DeferredReply {

    /** The reply if it is known, else null (a {@link DeferredReply} not resolved yet). */
    Ready ready();

    /** A reply known now: what the connection writes. */
    sealed interface Ready extends Response permits Reply, ReplyBatch {

        /** True if the connection closes once this is written. */
        boolean closeAfterWrite();

        /** Appends the single replies of this one to {@code out}, in order. */
        void addTo(List<Reply> out);

        @Override
        default Ready ready() {
            return this;
        }
    }
}
