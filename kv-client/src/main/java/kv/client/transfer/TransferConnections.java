package kv.client.transfer;

import java.io.IOException;
import java.net.URI;

import javax.net.ssl.SSLContext;

import kv.client.config.KvClientProperties;
import kv.client.connection.ClientTls;
import kv.client.connection.Password;
import org.springframework.stereotype.Component;

/**
 * Opens the bulk tools' pipelined connections: to kv with the shell's own settings (host, port,
 * TLS, user and password, timeouts), and to a source given as a URL
 * ({@code redis://[user:password@]host:port}, {@code rediss://} for TLS with the JVM's CAs or
 * {@code --cacert}).
 */
@Component
public class TransferConnections {

    private final KvClientProperties properties;

    public TransferConnections(KvClientProperties properties) {
        this.properties = properties;
    }

    /** The shell's target, as the shell reaches it. */
    public RespPipe kv() throws IOException {
        char[] password = Password.find(System::getenv, properties.user(), properties.askpass(), System.console());
        return RespPipe.open(properties.host(), properties.port(), properties.connectTimeout(),
                properties.replyTimeout(), properties.tls() ? tls(properties.host(), properties.port()) : null,
                properties.user(), password);
    }

    /** Where the shell's commands go, as {@code host:port}. */
    public String kvName() {
        return properties.host() + ":" + properties.port();
    }

    /**
     * A source given by URL.
     *
     * @throws IllegalArgumentException if the URL is not {@code redis://host:port} or {@code rediss://...}
     */
    public RespPipe source(String url) throws IOException {
        URI uri = parse(url);
        String user = null;
        char[] password = null;
        if (uri.getUserInfo() != null) {
            String info = uri.getUserInfo();
            int colon = info.indexOf(':');
            user = colon < 0 ? null : info.substring(0, colon).isEmpty() ? null : info.substring(0, colon);
            password = (colon < 0 ? info : info.substring(colon + 1)).toCharArray();
        }
        int port = uri.getPort() < 0 ? 6379 : uri.getPort();
        return RespPipe.open(uri.getHost(), port, properties.connectTimeout(), properties.replyTimeout(),
                uri.getScheme().equals("rediss") ? tls(uri.getHost(), port) : null, user, password);
    }

    /** The URL checked: {@code redis://} or {@code rediss://} with a host. */
    public static URI parse(String url) {
        URI uri;
        try {
            uri = URI.create(url);
        }
        catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a URL: " + url);
        }
        if (uri.getScheme() == null || !(uri.getScheme().equals("redis") || uri.getScheme().equals("rediss"))
                || uri.getHost() == null) {
            throw new IllegalArgumentException("expected redis://host:port (or rediss:// for TLS), not " + url);
        }
        return uri;
    }

    /** The URL without its password, for messages and the checkpoint file. */
    public static String shown(String url) {
        URI uri = parse(url);
        return uri.getScheme() + "://" + uri.getHost() + ":" + (uri.getPort() < 0 ? 6379 : uri.getPort());
    }

    private SSLContext tls(String host, int port) {
        return ClientTls.context(properties, host, port);
    }
}
