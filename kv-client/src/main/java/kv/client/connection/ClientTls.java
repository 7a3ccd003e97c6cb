package kv.client.connection;

import javax.net.ssl.SSLContext;

import kv.client.config.KvClientProperties;
import kv.protocol.tls.AuthClients;
import kv.protocol.tls.TlsSettings;

/**
 * The TLS context of every connection kv-client opens (the shell's, and the bulk tools' to kv or
 * to a {@code rediss://} source): the server's certificate is checked against {@code --cacert}
 * (the JVM's CAs without it) and its name against the host; {@code --cert}/{@code --key} are
 * this client's own certificate, for servers that ask for one.
 */
public final class ClientTls {

    private ClientTls() {
    }

    /** A client context for {@code host:port} with the shell's certificate settings. */
    public static SSLContext context(KvClientProperties properties, String host, int port) {
        return new TlsSettings(0, properties.cert(), properties.key(), null, null, null, null,
                properties.cacert(), AuthClients.NO, "TLSv1.2 TLSv1.3", null).client(host, port, "kv.client").context();
    }
}
