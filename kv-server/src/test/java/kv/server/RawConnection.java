package kv.server;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import kv.protocol.resp.RespDecoder;
import kv.protocol.resp.RespInput;
import kv.protocol.resp.RespValue;

/** A plain TCP connection, as a person with telnet or a test of raw bytes would use. */
final class RawConnection implements AutoCloseable {

    private final Socket socket;
    private final OutputStream out;
    private final RespInput in;
    private final RespDecoder decoder = new RespDecoder();

    RawConnection(int port) throws IOException {
        this(new Socket("127.0.0.1", port));
    }

    /** Over a socket the test has set up itself (buffer sizes, no delay) and connected. */
    RawConnection(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(10_000);
        out = socket.getOutputStream();
        in = new RespInput(socket.getInputStream());
    }

    RawConnection send(String text) throws IOException {
        return send(text.getBytes(StandardCharsets.UTF_8));
    }

    RawConnection send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    /** The next reply, or null if the server closed the connection. */
    RespValue read() throws IOException {
        return decoder.readValue(in);
    }

    Socket socket() {
        return socket;
    }

    boolean closedByServer() throws IOException {
        return in.read() == -1;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
