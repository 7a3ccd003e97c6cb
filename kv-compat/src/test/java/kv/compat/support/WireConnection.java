package kv.compat.support;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A bare RESP connection for the judges: sends multibulk requests and parses every RESP2 and
 * RESP3 reply type itself (see {@link Reply} for why it does not use kv's decoder). A RESP3
 * attribute ({@code |}) is read and dropped, as a client that did not ask for it would.
 */
public final class WireConnection implements AutoCloseable {

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    public WireConnection(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        socket.setTcpNoDelay(true);
        in = new BufferedInputStream(socket.getInputStream(), 65536);
        out = new BufferedOutputStream(socket.getOutputStream(), 65536);
    }

    public Reply call(byte[]... args) throws IOException {
        send(args);
        return read();
    }

    public Reply call(String... args) throws IOException {
        return call(bytes(args));
    }

    public void send(byte[]... args) throws IOException {
        out.write(('*' + Integer.toString(args.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (byte[] arg : args) {
            out.write(('$' + Integer.toString(arg.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(arg);
            out.write('\r');
            out.write('\n');
        }
        out.flush();
    }

    public Reply read() throws IOException {
        int type = in.read();
        if (type < 0) {
            throw new EOFException("connection closed by the server");
        }
        String line = line();
        return switch (type) {
            case '+', '-', ':', ',', '#', '(' -> Reply.simple((char) type, line);
            case '_' -> new Reply('_', null, null);
            case '$', '=', '!' -> {
                int length = Integer.parseInt(line);
                if (length < 0) {
                    yield new Reply('$', null, null);
                }
                byte[] data = in.readNBytes(length);
                if (data.length < length || in.read() != '\r' || in.read() != '\n') {
                    throw new IOException("truncated bulk string of " + length + " bytes");
                }
                yield new Reply(type == '!' ? '-' : (char) type, data, null);
            }
            case '*', '~', '>' -> aggregate((char) type, Integer.parseInt(line));
            case '%' -> aggregate('%', 2 * Integer.parseInt(line));
            case '|' -> {
                aggregate('%', 2 * Integer.parseInt(line)); // the attribute: dropped
                yield read();
            }
            default -> throw new IOException("not a RESP type byte: 0x" + Integer.toHexString(type) + " then " + line);
        };
    }

    private Reply aggregate(char type, int count) throws IOException {
        if (count < 0) {
            return new Reply(type, null, null);
        }
        List<Reply> elements = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            elements.add(read());
        }
        return new Reply(type, null, elements);
    }

    private String line() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed in the middle of a reply");
            }
            if (b == '\r') {
                if (in.read() != '\n') {
                    throw new IOException("CR without LF in a reply line");
                }
                return line.toString(StandardCharsets.UTF_8);
            }
            line.write(b);
        }
    }

    public static byte[][] bytes(String... args) {
        byte[][] bytes = new byte[args.length][];
        for (int i = 0; i < args.length; i++) {
            bytes[i] = args[i].getBytes(StandardCharsets.UTF_8);
        }
        return bytes;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
