package kv.proxy.backend;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;

import kv.protocol.resp.RespInput;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.integration.ip.tcp.connection.TcpNetConnection;
import org.springframework.integration.ip.tcp.connection.TcpNetConnectionSupport;

/**
 * A data connection to a backend whose replies are read through one buffered {@link RespInput}
 * for the connection's life. The stock connection hands the deserializer the raw socket stream,
 * and a buffer made per reply would both cost an allocation and drop any bytes read past the
 * reply.
 */
final class BackendConnection extends TcpNetConnection {

    private final RespInput input;

    private BackendConnection(Socket socket, boolean server, boolean lookupHost, ApplicationEventPublisher publisher,
                              String factoryName) {
        super(socket, server, lookupHost, publisher, factoryName);
        try {
            this.input = new RespInput(socket.getInputStream(), 16 * 1024);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    protected InputStream inputStream() {
        return input;
    }

    /** Plugs {@link BackendConnection} into a client connection factory. */
    static final class Support implements TcpNetConnectionSupport {
        @Override
        public TcpNetConnection createNewConnection(Socket socket, boolean server, boolean lookupHost,
                                                    ApplicationEventPublisher publisher, String factoryName) {
            return new BackendConnection(socket, server, lookupHost, publisher, factoryName);
        }
    }
}
