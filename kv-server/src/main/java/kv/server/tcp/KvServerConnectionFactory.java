package kv.server.tcp;

import java.io.IOException;
import java.net.ServerSocket;

import org.springframework.integration.ip.tcp.connection.TcpNetServerConnectionFactory;

/** The TCP listener; adds "stop accepting" so a shutdown can drain before closing connections. */
public final class KvServerConnectionFactory extends TcpNetServerConnectionFactory {

    public KvServerConnectionFactory(int port) {
        super(port);
    }

    /** Closes the listening socket; connections already open keep being served. */
    public void stopAccepting() {
        ServerSocket socket = getServerSocket();
        if (socket != null) {
            try {
                socket.close();
            }
            catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
