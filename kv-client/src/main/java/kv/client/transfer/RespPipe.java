package kv.client.transfer;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

import kv.protocol.resp.RespDecoder;
import kv.protocol.resp.RespEncoder;
import kv.protocol.resp.RespInput;
import kv.protocol.resp.RespLimits;
import kv.protocol.resp.RespValue;
import kv.protocol.resp.Request;

/**
 * A plain blocking RESP2 connection that pipelines: {@link #send} only buffers a request,
 * {@link #flush} sends what is buffered, and {@link #read} takes the replies in order. The bulk
 * tools (export, import, migrate) use it to keep hundreds of commands in flight, which the
 * shell's request-reply gateway does not do.
 */
public final class RespPipe implements AutoCloseable {

    /** Replies as big as a server sends: a hash's HGETALL may have millions of elements. */
    private static final RespLimits REPLY_LIMITS = new RespLimits(512L * 1024 * 1024, Integer.MAX_VALUE, 64 * 1024, 64,
            Long.MAX_VALUE);

    private final Socket socket;
    private final OutputStream out;
    private final RespInput in;
    private final RespDecoder decoder = new RespDecoder(REPLY_LIMITS);
    private final String name;

    private RespPipe(Socket socket, String name) throws IOException {
        this.socket = socket;
        this.name = name;
        this.out = new BufferedOutputStream(socket.getOutputStream(), 1 << 16);
        this.in = new RespInput(socket.getInputStream(), 1 << 16);
    }

    /**
     * Connects, and logs in when a password is given ({@code AUTH [user] password}).
     *
     * @param tls the TLS context to speak TLS with, or null for plain TCP
     * @throws IOException if the server cannot be reached, or refuses the login
     */
    public static RespPipe open(String host, int port, Duration connectTimeout, Duration replyTimeout,
                                SSLContext tls, String user, char[] password) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), (int) Math.max(1, connectTimeout.toMillis()));
            socket.setSoTimeout((int) Math.max(0, replyTimeout.toMillis()));
            if (tls != null) {
                SSLSocket secure = (SSLSocket) tls.getSocketFactory().createSocket(socket, host, port, true);
                SSLParameters parameters = secure.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                secure.setSSLParameters(parameters);
                secure.startHandshake();
                socket = secure;
            }
            RespPipe pipe = new RespPipe(socket, host + ":" + port);
            if (password != null) {
                RespValue reply = pipe.call(user == null ? Request.of("AUTH", new String(password))
                        : Request.of("AUTH", user, new String(password)));
                if (reply instanceof RespValue.Error error) {
                    pipe.close();
                    throw new IOException("login refused: " + error.message());
                }
            }
            return pipe;
        }
        catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /** Buffers {@code request}; nothing is sent before {@link #flush} (or a full buffer). */
    public void send(Request request) throws IOException {
        RespEncoder.write(request, out);
    }

    public void flush() throws IOException {
        out.flush();
    }

    /** The next reply, waiting for it. */
    public RespValue read() throws IOException {
        RespValue value = decoder.readValue(in);
        if (value == null) {
            throw new IOException(name + " closed the connection");
        }
        return value;
    }

    /** One request and its reply. */
    public RespValue call(Request request) throws IOException {
        send(request);
        flush();
        return read();
    }

    /** {@code host:port}, for messages. */
    public String name() {
        return name;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
