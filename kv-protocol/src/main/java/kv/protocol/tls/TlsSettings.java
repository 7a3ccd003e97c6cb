package kv.protocol.tls;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Arrays;
import java.util.Set;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.ssl.pem.PemSslStoreBundle;
import org.springframework.boot.ssl.pem.PemSslStoreDetails;
import org.springframework.core.env.Environment;

/**
 * A service's TLS settings, named as Redis names them and read under the service's prefix
 * ({@code kv.server.tls-port}, {@code kv.proxy.tls-cert-file}, ...; environment variables
 * {@code KV_SERVER_TLS_PORT}, ...). Certificates and keys are PEM files, as Redis's; they are
 * read with Spring Boot's PEM SSL bundle support (PKCS#8, PKCS#1 RSA and SEC1 EC keys, encrypted
 * keys with {@code tls-key-file-pass}).
 *
 * @param tlsPort the TLS RESP port; 0 (the default) for none
 * @param tlsCertFile the service's certificate (chain), PEM
 * @param tlsKeyFile its private key, PEM
 * @param tlsKeyFilePass the private key's password, if it is encrypted
 * @param tlsClientCertFile the certificate shown to servers behind the service (kv-proxy's
 *                          backends); unset, {@code tls-cert-file}'s, as Redis does
 * @param tlsClientKeyFile its private key; unset, {@code tls-key-file}
 * @param tlsClientKeyFilePass its password
 * @param tlsCaCertFile the CA certificates (PEM) that clients' certificates, and backends'
 *                      certificates, must be signed by
 * @param tlsAuthClients whether clients must show a certificate ({@code yes}, the default,
 *                       {@code optional}, {@code no})
 * @param tlsProtocols the TLS versions offered, space separated; only {@code TLSv1.2} and {@code TLSv1.3}
 * @param tlsHandshakeTimeout how long a client may take from connecting to the end of its TLS
 *                            handshake before it is closed (default 10 s; {@code 0}: no limit).
 *                            Redis has none; kv's keeps a client that sends nothing, or half a
 *                            ClientHello, from holding a connection
 */
public record TlsSettings(
        @DefaultValue("0") int tlsPort,
        String tlsCertFile,
        String tlsKeyFile,
        String tlsKeyFilePass,
        String tlsClientCertFile,
        String tlsClientKeyFile,
        String tlsClientKeyFilePass,
        String tlsCaCertFile,
        @DefaultValue("yes") AuthClients tlsAuthClients,
        @DefaultValue("TLSv1.2 TLSv1.3") String tlsProtocols,
        @DefaultValue("10s") java.time.Duration tlsHandshakeTimeout) {

    /** The versions kv speaks; TLS 1.0 and 1.1 are refused even if asked for (Redis would allow them). */
    private static final Set<String> SUPPORTED = Set.of("TLSv1.2", "TLSv1.3");

    public TlsSettings {
        if (tlsPort < 0 || tlsPort > 65535) {
            throw new IllegalArgumentException("tls-port must be 0 (off) to 65535, got " + tlsPort);
        }
        protocolsOf(tlsProtocols);
        if (tlsHandshakeTimeout == null) {
            tlsHandshakeTimeout = DEFAULT_HANDSHAKE_TIMEOUT;
        }
        if (tlsHandshakeTimeout.isNegative()) {
            throw new IllegalArgumentException("tls-handshake-timeout must be 0 (none) or more, got " + tlsHandshakeTimeout);
        }
    }

    /** The default of {@link #tlsHandshakeTimeout}. */
    public static final java.time.Duration DEFAULT_HANDSHAKE_TIMEOUT = java.time.Duration.ofSeconds(10);

    /** No TLS at all. */
    public static final TlsSettings OFF = new TlsSettings(0, null, null, null, null, null, null, null,
            AuthClients.YES, "TLSv1.2 TLSv1.3", DEFAULT_HANDSHAKE_TIMEOUT);

    /** Reads the settings under {@code prefix} ({@code kv.server}), beside the service's other properties. */
    public static TlsSettings bind(Environment environment, String prefix) {
        return Binder.get(environment).bindOrCreate(prefix, Bindable.of(TlsSettings.class));
    }

    /**
     * The Spring Boot SSL bundle that {@code prefix.tls-bundle} names ({@code KV_SERVER_TLS_BUNDLE}),
     * or null if the setting is unset (the {@code tls-*-file} settings are used then).
     *
     * @throws IllegalStateException if no bundle has that name
     */
    public static SslBundle bundle(Environment environment, String prefix, SslBundles bundles) {
        String name = environment.getProperty(prefix + ".tls-bundle");
        if (name == null || name.isBlank()) {
            return null;
        }
        if (bundles == null) {
            throw new IllegalStateException(prefix + ".tls-bundle=" + name + ": no spring.ssl.bundle is configured");
        }
        try {
            return bundles.getBundle(name);
        }
        catch (RuntimeException e) {
            throw new IllegalStateException(prefix + ".tls-bundle=" + name + ": " + e.getMessage(), e);
        }
    }

    /** True if the TLS port is on. */
    public boolean enabled() {
        return tlsPort > 0;
    }

    /** The protocol versions, checked: {@code TLSv1.2} and {@code TLSv1.3} only. */
    public String[] protocols() {
        return protocolsOf(tlsProtocols);
    }

    private static String[] protocolsOf(String text) {
        String[] protocols = (text == null ? "" : text.trim()).split("\\s+");
        if (protocols.length == 0 || protocols[0].isEmpty()) {
            throw new IllegalArgumentException("tls-protocols is empty; kv speaks TLSv1.2 and TLSv1.3");
        }
        for (String protocol : protocols) {
            if (!SUPPORTED.contains(protocol)) {
                throw new IllegalArgumentException("tls-protocols: '" + protocol
                        + "' is not supported; kv speaks TLSv1.2 and TLSv1.3 only");
            }
        }
        return protocols;
    }

    /**
     * The engines of the TLS port: its certificate and key, clients checked against the CA file
     * as {@code tls-auth-clients} says.
     *
     * @param prefix the settings' prefix, for error messages ({@code kv.server})
     * @throws IllegalStateException naming the setting missing or the file that cannot be read
     */
    public TlsEngines server(String prefix) {
        return server(prefix, null);
    }

    /**
     * The engines of the TLS port, their certificate, key and CA taken from a Spring Boot SSL
     * bundle ({@code spring.ssl.bundle.*}, named by {@code tls-bundle}) instead of the files when
     * {@code bundle} is not null: its key store is the service's certificate and key, its trust
     * store the CA clients' certificates are checked against.
     *
     * @throws IllegalStateException naming the setting missing or the file that cannot be read
     */
    public TlsEngines server(String prefix, SslBundle bundle) {
        SSLContext context;
        if (bundle != null) {
            if (tlsAuthClients != AuthClients.NO && bundle.getStores().getTrustStore() == null) {
                throw new IllegalStateException(prefix + ".tls-bundle has no trust store, which clients' certificates"
                        + " are checked against (" + prefix + ".tls-auth-clients=no asks for none)");
            }
            context = bundle.createSslContext();
        }
        else {
            require(tlsCertFile, prefix + ".tls-cert-file");
            require(tlsKeyFile, prefix + ".tls-key-file");
            if (tlsAuthClients != AuthClients.NO) {
                require(tlsCaCertFile, prefix + ".tls-ca-cert-file (clients' certificates are checked against it; "
                        + prefix + ".tls-auth-clients=no asks for none)");
            }
            context = context(tlsCertFile, tlsKeyFile, tlsKeyFilePass, tlsCaCertFile, prefix);
        }
        SSLParameters parameters = context.getDefaultSSLParameters();
        parameters.setProtocols(protocols());
        if (tlsAuthClients == AuthClients.YES) {
            parameters.setNeedClientAuth(true);
        }
        else if (tlsAuthClients == AuthClients.OPTIONAL) {
            parameters.setWantClientAuth(true);
        }
        return new TlsEngines(context, parameters, false, null, 0);
    }

    /**
     * The engines of connections to servers behind the service (kv-proxy's {@code rediss://}
     * backends) at {@code host:port}: their certificates are checked against the CA file (or the
     * JVM's default trust store, without one), and their host name too where {@code host} is a name
     * rather than an address. The client certificate is shown if one is set.
     */
    public TlsEngines client(String host, int port, String prefix) {
        String cert = tlsClientCertFile != null ? tlsClientCertFile : tlsCertFile;
        String key = tlsClientCertFile != null ? tlsClientKeyFile : tlsKeyFile;
        String pass = tlsClientCertFile != null ? tlsClientKeyFilePass : tlsKeyFilePass;
        if (cert != null) {
            require(key, prefix + (tlsClientCertFile != null ? ".tls-client-key-file" : ".tls-key-file"));
        }
        SSLContext context = context(cert, key, pass, tlsCaCertFile, prefix);
        SSLParameters parameters = context.getDefaultSSLParameters();
        parameters.setProtocols(protocols());
        if (!isAddressLiteral(host)) {
            parameters.setEndpointIdentificationAlgorithm("HTTPS"); // the name must be in the certificate
        }
        return new TlsEngines(context, parameters, true, host, port);
    }

    /** True for {@code 127.0.0.1} or {@code ::1}, false for a name such as {@code localhost}. */
    static boolean isAddressLiteral(String host) {
        if (host.indexOf(':') >= 0) {
            return true; // IPv6
        }
        return host.chars().allMatch(c -> c == '.' || Character.isDigit(c));
    }

    private static void require(String value, String setting) {
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("TLS is on but " + setting + " is not set");
        }
    }

    private static SSLContext context(String cert, String key, String keyPass, String ca, String prefix) {
        for (String file : Arrays.asList(cert, key, ca)) {
            if (file != null && !Files.isReadable(Path.of(file))) {
                throw new IllegalStateException(prefix + ": cannot read TLS file " + file);
            }
        }
        try {
            PemSslStoreDetails keyStore = cert == null ? null
                    : new PemSslStoreDetails(null, location(cert), location(key)).withPrivateKeyPassword(keyPass);
            PemSslStoreDetails trustStore = ca == null ? null : PemSslStoreDetails.forCertificates(location(ca));
            if (trustStore == null) {
                return withDefaultTrust(SslBundle.of(new PemSslStoreBundle(keyStore, null)));
            }
            return SslBundle.of(new PemSslStoreBundle(keyStore, trustStore)).createSslContext();
        }
        catch (RuntimeException e) {
            throw new IllegalStateException(prefix + ": cannot load the TLS certificates or key: " + e.getMessage(), e);
        }
    }

    /** A context with the bundle's key (if any) and the JVM's default trusted CAs. */
    private static SSLContext withDefaultTrust(SslBundle bundle) {
        try {
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init((KeyStore) null);
            SSLContext context = SSLContext.getInstance("TLS");
            KeyManagerFactory keys = bundle.getStores().getKeyStore() == null ? null : bundle.getManagers().getKeyManagerFactory();
            context.init(keys == null ? null : keys.getKeyManagers(), trust.getTrustManagers(), null);
            return context;
        }
        catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String location(String file) {
        return file == null ? null : "file:" + Path.of(file).toAbsolutePath();
    }


    /** Passwords stay out of logs. */
    @Override
    public String toString() {
        return "TlsSettings[port=" + tlsPort + ", cert=" + tlsCertFile + ", ca=" + tlsCaCertFile
                + ", auth-clients=" + tlsAuthClients + ", protocols=" + tlsProtocols + "]";
    }
}
