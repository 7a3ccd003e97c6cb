package kv.proxy.testing;

import java.io.IOException;
import java.net.Socket;

import kv.protocol.resp.RespDecoder;
import kv.protocol.resp.RespEncoder;
import kv.protocol.resp.RespInput;
import kv.protocol.resp.RespOutput;
import kv.protocol.resp.RespValue;
import kv.protocol.resp.Request;

/** A bare RESP connection that shows replies exactly as decoded, attributes included. */
public final class RespClient implements AutoCloseable {

    private final Socket socket;
    private final RespInput in;
    private final RespOutput out;
    private final RespDecoder decoder = new RespDecoder();

    public RespClient(int port) throws IOException {
        this(port, 10_000);
    }

    /** With {@code timeoutMillis} for connecting and for each reply. */
    public RespClient(int port, int timeoutMillis) throws IOException {
        socket = new Socket();
        socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), timeoutMillis);
        socket.setSoTimeout(timeoutMillis);
        in = new RespInput(socket.getInputStream());
        out = new RespOutput(socket.getOutputStream(), 8192);
    }

    public RespValue call(String... args) throws IOException {
        send(args);
        return read();
    }

    public void send(String... args) throws IOException {
        RespEncoder.write(Request.of(args), out);
        out.flush();
    }

    /** Sends {@code requests} pipelined, in one write. */
    public void pipeline(Request... requests) throws IOException {
        for (Request request : requests) {
            RespEncoder.write(request, out);
        }
        out.flush();
    }

    public RespValue read() throws IOException {
        return decoder.readValue(in);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
