package kv.protocol.tls;

import java.io.IOException;
import java.net.Socket;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * Makes the TLS end of each new connection, configured once from {@link TlsSettings}:
 * certificates and trusted CAs (the context), protocols, client authentication and host name
 * checks (the parameters). The event loops' connections get an {@link SSLEngine}; kv-proxy's
 * blocking connections to a backend (transactions, pub/sub, invalidations) an {@link SSLSocket}.
 */
public final class TlsEngines {

    private final SSLContext context;
    private final SSLParameters parameters;
    private final boolean clientMode;
    /** The server's host and port, for a client's engines (SNI, the host name check); null for a server. */
    private final String host;
    private final int port;

    TlsEngines(SSLContext context, SSLParameters parameters, boolean clientMode, String host, int port) {
        this.context = context;
        this.parameters = parameters;
        this.clientMode = clientMode;
        this.host = host;
        this.port = port;
    }

    /** The context the engines come from (certificates, key, trusted CAs). */
    public SSLContext context() {
        return context;
    }

    /** A new engine for one connection. */
    public SSLEngine newEngine() {
        SSLEngine engine = host == null ? context.createSSLEngine() : context.createSSLEngine(host, port);
        engine.setUseClientMode(clientMode);
        engine.setSSLParameters(parameters);
        return engine;
    }

    /**
     * The client end of TLS over {@code connected}, a blocking socket to the server, handshake
     * done (the socket's timeout bounds it); closing it closes {@code connected}.
     *
     * @throws IOException if the handshake fails (a certificate not trusted, a host name not in it)
     */
    public SSLSocket wrap(Socket connected) throws IOException {
        if (!clientMode) {
            throw new IllegalStateException("server engines do not open connections");
        }
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(connected, host, port, true);
        socket.setUseClientMode(true);
        socket.setSSLParameters(parameters);
        socket.startHandshake();
        return socket;
    }
}
