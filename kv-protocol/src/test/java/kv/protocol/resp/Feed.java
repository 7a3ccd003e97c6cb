package kv.protocol.resp;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.IntStream;

/**
 * Feeds a wire to a fed {@link RespInput} in pieces, as an event loop does (fill, then decode
 * until the decoder needs more bytes), and records what came out and after how many bytes.
 */
final class Feed {

    /**
     * What the decoder made of a wire.
     *
     * @param decoded the requests or values, in order
     * @param at      for each of them, how many bytes of the wire had been received when it came out
     * @param error   the protocol error's text, or null if none
     * @param errorAt how many bytes had been received when the error came (-1 if none)
     */
    record Outcome(List<Object> decoded, List<Integer> at, String error, int errorAt) {

        /** The same values and the same error, wherever the pieces were cut. */
        boolean sameAs(Outcome other) {
            return decoded.equals(other.decoded) && Objects.equals(error, other.error);
        }

        @Override
        public String toString() {
            return decoded + (error == null ? "" : " then error '" + error + "' at byte " + errorAt);
        }
    }

    private Feed() {
    }

    /** Requests, from {@code wire} cut at {@code cuts}, through a 4-byte buffer that must grow and compact. */
    static Outcome requests(RespDecoder decoder, byte[] wire, int... cuts) throws IOException {
        return feed(decoder, true, wire, cuts);
    }

    static Outcome values(RespDecoder decoder, byte[] wire, int... cuts) throws IOException {
        return feed(decoder, false, wire, cuts);
    }

    static int[] everyByte(byte[] wire) {
        return IntStream.range(1, wire.length).toArray();
    }

    static Outcome feed(RespDecoder decoder, boolean requests, byte[] wire, int... cuts) throws IOException {
        PiecesChannel channel = new PiecesChannel(wire, cuts);
        RespInput in = RespInput.fedBy(4);
        List<Object> decoded = new ArrayList<>();
        List<Integer> at = new ArrayList<>();
        while (channel.next()) {
            do {
                in.fill(channel);
                try {
                    Object next;
                    while ((next = requests ? decoder.decodeRequest(in) : decoder.decodeValue(in)) != null) {
                        decoded.add(next);
                        at.add(channel.sent());
                    }
                }
                catch (RespProtocolException e) {
                    return new Outcome(decoded, at, e.getMessage(), channel.sent());
                }
            } while (channel.unread() > 0);
        }
        return new Outcome(decoded, at, null, -1);
    }
    /**
     * What the blocking {@link RespDecoder#readRequest} or {@link RespDecoder#readValue} (Spring
     * Integration's and kv-proxy's backend connections' path) makes of {@code wire}, read from a
     * stream one byte at a time; a wire that ends inside a request or value ends without an error,
     * as the fed decoder is then still waiting for the rest.
     */
    static Outcome blocking(RespDecoder decoder, boolean requests, byte[] wire) throws IOException {
        RespInput in = new RespInput(new OneByteAtATimeInputStream(wire), 4);
        List<Object> decoded = new ArrayList<>();
        try {
            Object next;
            while ((next = requests ? decoder.readRequest(in) : decoder.readValue(in)) != null) {
                decoded.add(next);
            }
        }
        catch (RespProtocolException e) {
            return new Outcome(decoded, List.of(), e.getMessage(), -1);
        }
        catch (java.io.EOFException e) {
            // ended inside a request or value
        }
        return new Outcome(decoded, List.of(), null, -1);
    }
}
