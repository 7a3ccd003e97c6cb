package kv.protocol.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.springframework.boot.ssl.SslBundle;

/**
 * What a service shows of its TLS to operators: the settings as CONFIG GET answers them, by
 * Redis's parameter names ({@code tls-port}, {@code tls-cert-file}, ... ; the key passwords
 * given as they are and masked by the caller's {@code Secrets}, as every password), and its
 * certificate's expiry for INFO, read once.
 */
public final class TlsStatus {

    private final TlsSettings settings;
    private final Instant certificateExpiry;

    public TlsStatus(TlsSettings settings) {
        this(settings, null);
    }

    /** @param bundle the SSL bundle the TLS port uses instead of the files, or null */
    public TlsStatus(TlsSettings settings, SslBundle bundle) {
        this.settings = settings;
        this.certificateExpiry = !settings.enabled() ? null
                : bundle != null ? notAfter(bundle.getStores().getKeyStore()) : notAfter(settings.tlsCertFile());
    }

    /** True if the service listens for TLS. */
    public boolean enabled() {
        return settings.enabled();
    }

    /**
     * CONFIG GET's {@code tls-*} parameters, Redis 7.0's names. Those kv has no setting for are
     * answered as Redis answers them unset ({@code tls-ciphers}, {@code tls-ciphersuites}: the
     * JDK's defaults for TLS 1.2 and 1.3).
     *
     * @param tlsPort the port listened on (the setting may say 0 for "any free one" in tests)
     */
    public Map<String, String> configValues(int tlsPort) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("tls-port", Integer.toString(settings.enabled() ? tlsPort : 0));
        values.put("tls-cert-file", orEmpty(settings.tlsCertFile()));
        values.put("tls-key-file", orEmpty(settings.tlsKeyFile()));
        values.put("tls-key-file-pass", orEmpty(settings.tlsKeyFilePass()));
        values.put("tls-client-cert-file", orEmpty(settings.tlsClientCertFile()));
        values.put("tls-client-key-file", orEmpty(settings.tlsClientKeyFile()));
        values.put("tls-client-key-file-pass", orEmpty(settings.tlsClientKeyFilePass()));
        values.put("tls-ca-cert-file", orEmpty(settings.tlsCaCertFile()));
        values.put("tls-auth-clients", settings.tlsAuthClients().name().toLowerCase(Locale.ROOT));
        values.put("tls-protocols", String.join(" ", settings.protocols()));
        values.put("tls-ciphers", "");
        values.put("tls-ciphersuites", "");
        return values;
    }

    /** When the service's certificate (the first of {@code tls-cert-file}) expires, or null without TLS or if unreadable. */
    public Instant certificateExpiry() {
        return certificateExpiry;
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }

    private static Instant notAfter(KeyStore store) {
        try {
            if (store == null) {
                return null;
            }
            for (String alias : java.util.Collections.list(store.aliases())) {
                if (store.getCertificate(alias) instanceof X509Certificate certificate) {
                    return certificate.getNotAfter().toInstant();
                }
            }
            return null;
        }
        catch (GeneralSecurityException e) {
            return null;
        }
    }

    private static Instant notAfter(String file) {
        if (file == null) {
            return null;
        }
        try (InputStream in = Files.newInputStream(Path.of(file))) {
            X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(in);
            return certificate.getNotAfter().toInstant();
        }
        catch (IOException | GeneralSecurityException | RuntimeException e) {
            return null; // the TLS listener's own start-up reports an unreadable certificate
        }
    }
}
