package kv.protocol.resp;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * One RESP value, as it travels on the wire: the RESP2 types and the RESP3 additions.
 *
 * <p>Every variant is a record, so a reply is plain data that command code builds and the
 * {@link RespEncoder} writes; nothing in here touches a socket. Use {@link Replies} for the
 * replies that every server sends again and again.
 */
public sealed interface RespValue {

    /** {@code +OK} */
    record SimpleString(String value) implements RespValue {
    }

    /** {@code -ERR message}: the text includes the error code (the first word). */
    record Error(String message) implements RespValue {
    }

    /** {@code :42} */
    record Integer(long value) implements RespValue {
    }

    /** {@code $3\r\nfoo}: binary safe. */
    record BulkString(byte[] bytes) implements RespValue {
        public static BulkString of(String text) {
            return new BulkString(text.getBytes(StandardCharsets.UTF_8));
        }

        public String asString() {
            return new String(bytes, StandardCharsets.UTF_8);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof BulkString that && Arrays.equals(bytes, that.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return "BulkString[" + asString() + "]";
        }
    }

    /**
     * The absent value: {@code $-1} in RESP2, or {@code *-1} for a null array (EXEC of a
     * transaction a WATCH aborted); {@code _} in RESP3.
     */
    record Null(boolean array) implements RespValue {
        public Null() {
            this(false);
        }
    }

    /** {@code *2 ...} */
    record Array(List<RespValue> elements) implements RespValue {
    }

    /** RESP3 {@code %}: written as a flat array of key, value, ... in RESP2. */
    record Map(List<RespValue> keysAndValues) implements RespValue {
    }

    /** RESP3 {@code ~}: written as an array in RESP2. */
    record Set(List<RespValue> elements) implements RespValue {
    }

    /** RESP3 {@code >}: out-of-band data such as invalidation messages. */
    record Push(List<RespValue> elements) implements RespValue {
    }

    /** RESP3 {@code ,1.5}: written as a bulk string in RESP2. */
    record Double(double value) implements RespValue {
    }

    /** RESP3 {@code #t}: written as the integer 1 or 0 in RESP2. */
    record Boolean(boolean value) implements RespValue {
    }

    /** RESP3 {@code (} a number too big for a long, kept as its decimal text. */
    record BigNumber(String digits) implements RespValue {
    }

    /** RESP3 {@code =}: a string with a three-letter format such as {@code txt}. */
    record Verbatim(String format, String text) implements RespValue {
    }

    /**
     * A value preceded by a RESP3 attribute ({@code |}): metadata a client may ignore.
     * In RESP2 only the value is written.
     */
    record Attributed(Map attributes, RespValue value) implements RespValue {
    }

    /**
     * An array whose elements are produced while it is written, so that a large reply (DUMP of
     * a big store) never sits in memory whole. {@code size} must be exact; if the iterator is
     * {@link AutoCloseable} the encoder closes it when done.
     */
    record StreamedArray(long size, Iterable<RespValue> elements) implements RespValue {
    }
}
