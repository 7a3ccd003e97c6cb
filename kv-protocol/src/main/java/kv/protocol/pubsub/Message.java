package kv.protocol.pubsub;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

import kv.protocol.resp.Replies;
import kv.protocol.resp.RespEncoder;
import kv.protocol.resp.RespValue;

/**
 * One push to subscribers ({@code message}, {@code pmessage}, a subscription's confirmation),
 * encoded once per protocol version however many subscribers receive it: an array in RESP2, a
 * push frame ({@code >}) in RESP3.
 */
public final class Message {

    private final RespValue.Push value;
    private volatile byte[] resp2;
    private volatile byte[] resp3;

    private Message(RespValue.Push value) {
        this.value = value;
    }

    /** {@code message channel payload}. */
    public static Message of(byte[] channel, byte[] payload) {
        return of(channel, Replies.bulk(payload));
    }

    /** {@code message channel payload}, the payload any RESP value (tracking's invalidation sends a key array). */
    public static Message of(byte[] channel, RespValue payload) {
        return new Message(new RespValue.Push(List.of(MESSAGE, Replies.bulk(channel), payload)));
    }

    /** {@code pmessage pattern channel payload}. */
    public static Message of(byte[] pattern, byte[] channel, byte[] payload) {
        return new Message(new RespValue.Push(List.of(PMESSAGE, Replies.bulk(pattern), Replies.bulk(channel),
                Replies.bulk(payload))));
    }

    /** Any push, e.g. {@code subscribe channel count}. */
    public static Message push(RespValue... elements) {
        return new Message(new RespValue.Push(List.of(elements)));
    }

    public RespValue.Push value() {
        return value;
    }

    /** The bytes for a connection speaking {@code protocol} (2 or 3). */
    public byte[] encoded(int protocol) {
        if (protocol >= 3) {
            byte[] bytes = resp3;
            if (bytes == null) {
                resp3 = bytes = encode(3);
            }
            return bytes;
        }
        byte[] bytes = resp2;
        if (bytes == null) {
            resp2 = bytes = encode(2);
        }
        return bytes;
    }

    private byte[] encode(int protocol) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64);
        try {
            RespEncoder.write(value, protocol, out);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        return out.toByteArray();
    }

    private static final RespValue MESSAGE = Replies.bulk("message");
    private static final RespValue PMESSAGE = Replies.bulk("pmessage");
}
