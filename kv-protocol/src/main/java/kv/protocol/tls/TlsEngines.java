package kv.protocol.tls;

import java.util.function.Supplier;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;

/**
 * Makes the {@link SSLEngine} of each new TLS connection, configured once from
 * {@link TlsSettings}: protocols, client authentication, host name checks.
 */
public final class TlsEngines {

    private final SSLContext context;
    private final Supplier<SSLEngine> engines;

    TlsEngines(SSLContext context, Supplier<SSLEngine> engines) {
        this.context = context;
        this.engines = engines;
    }

    /** The context the engines come from (certificates, key, trusted CAs). */
    public SSLContext context() {
        return context;
    }

    /** A new engine for one connection. */
    public SSLEngine newEngine() {
        return engines.get();
    }
}
