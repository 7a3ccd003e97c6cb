package kv.protocol.resp;

import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;

/**
 * A non-blocking channel that has the bytes of a wire up to the next cut: each {@link #next}
 * makes one more piece readable, as a peer's writes arrive one by one. A read takes what the
 * reader has room for of the piece; a read with nothing readable returns 0.
 */
public final class PiecesChannel implements ReadableByteChannel {

    private final byte[] wire;
    private final int[] cuts;
    private int piece;
    private int readable;
    private int sent;

    /** @param cuts increasing offsets in {@code wire} where one piece ends and the next begins */
    public PiecesChannel(byte[] wire, int... cuts) {
        this.wire = wire;
        this.cuts = cuts;
    }

    /** Makes the next piece readable; false if every byte has been made readable already. */
    public boolean next() {
        if (readable == wire.length) {
            return false;
        }
        readable = piece < cuts.length ? cuts[piece++] : wire.length;
        return true;
    }

    /** This channel with every byte readable at once. */
    public PiecesChannel withEverything() {
        readable = wire.length;
        return this;
    }

    /** Bytes made readable and not read yet. */
    public int unread() {
        return readable - sent;
    }

    /** Bytes read so far. */
    public int sent() {
        return sent;
    }

    @Override
    public int read(ByteBuffer target) {
        int n = Math.min(readable - sent, target.remaining());
        target.put(wire, sent, n);
        sent += n;
        return n;
    }

    @Override
    public boolean isOpen() {
        return true;
    }

    @Override
    public void close() {
    }
}
