package kv.protocol.resp;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * A command as a client sent it: the command name and its arguments, each binary safe.
 * Multibulk ({@code *2\r\n$3\r\nGET\r\n...}) and inline ({@code GET Fname}) requests both
 * decode to this.
 */
public record Request(byte[][] args) {

    public Request {
        if (args.length == 0) {
            throw new IllegalArgumentException("a request has at least a command name");
        }
    }

    public static Request of(String... args) {
        byte[][] bytes = new byte[args.length][];
        for (int i = 0; i < args.length; i++) {
            bytes[i] = args[i].getBytes(StandardCharsets.UTF_8);
        }
        return new Request(bytes);
    }

    public static Request of(List<byte[]> args) {
        return new Request(args.toArray(new byte[0][]));
    }

    /** The command name in lower case, as the command table keys it. */
    public String name() {
        return Ascii.lower(args[0]);
    }

    public int size() {
        return args.length;
    }

    public byte[] arg(int index) {
        return args[index];
    }

    public String argString(int index) {
        return new String(args[index], StandardCharsets.UTF_8);
    }

    /** True if argument {@code index} equals {@code word}, ignoring ASCII case. */
    public boolean argIs(int index, String word) {
        return index < args.length && Ascii.equalsIgnoreCase(args[index], word);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Request that && Arrays.deepEquals(args, that.args);
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(args);
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("Request[");
        for (int i = 0; i < args.length; i++) {
            text.append(i == 0 ? "" : " ").append(new String(args[i], StandardCharsets.UTF_8));
        }
        return text.append(']').toString();
    }
}
