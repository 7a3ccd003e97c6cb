package kv.proxy.backend;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import kv.protocol.resp.Request;
import kv.protocol.resp.RespEncoder;
import kv.protocol.tls.TlsEngines;
import kv.proxy.config.BackendAddress;

/**
 * Opens the proxy's blocking connections to one backend (a transaction's pinned connection,
 * the pub/sub and invalidation connections) as its address says: over TLS for {@code rediss://},
 * with its certificate checked, and logged in with {@code AUTH} if it has credentials. The event
 * loops' pooled connections do the same through {@code RespClientConnectionFactory}. The proxy's
 * own clients' {@code AUTH} never reaches a backend: these credentials are the proxy's.
 */
public final class BackendSockets {

    private final BackendAddress address;
    private final TlsEngines tls;

    /** @param tls the engines for a {@code rediss://} backend; null for plain TCP */
    public BackendSockets(BackendAddress address, TlsEngines tls) {
        this.address = address;
        this.tls = tls;
    }

    /** The request each new connection sends first: {@code AUTH [user] password}, or null without credentials. */
    public Request login() {
        if (address.password() == null) {
            return null;
        }
        return address.user() == null ? Request.of("AUTH", address.password())
                : Request.of("AUTH", address.user(), address.password());
    }

    /**
     * A connected socket, TLS handshake and login done.
     *
     * @param readTimeoutMillis the socket's read timeout, which also bounds the handshake and the login
     * @throws IOException if it cannot connect, the handshake fails, or the backend refuses the login
     *                     (its error in the message, never the password)
     */
    public Socket open(int connectTimeoutMillis, int readTimeoutMillis) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(readTimeoutMillis);
            socket.connect(new InetSocketAddress(address.host(), address.port()), connectTimeoutMillis);
            if (tls != null) {
                socket = tls.wrap(socket);
            }
            Request login = login();
            if (login != null) {
                logIn(socket, login);
            }
            return socket;
        }
        catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** Sends the login and reads its one-line reply byte by byte, so that nothing after it is read ahead. */
    private void logIn(Socket socket, Request login) throws IOException {
        OutputStream out = socket.getOutputStream();
        RespEncoder.write(login, out);
        out.flush();
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b; (b = in.read()) != '\n'; ) {
            if (b < 0 || line.size() > 4096) {
                throw new IOException("backend " + address + " closed the connection during AUTH");
            }
            line.write(b);
        }
        String reply = line.toString(StandardCharsets.UTF_8).trim();
        if (!reply.startsWith("+")) {
            throw new IOException("backend " + address + " refused the proxy's AUTH: " + reply.substring(Math.min(1, reply.length())));
        }
    }
}
