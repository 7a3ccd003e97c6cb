package kv.proxy.config;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Where a backend listens, and how the proxy logs in to it. Written {@code host:port} (plain
 * TCP, no credentials), or as a Redis URI: {@code redis://[user[:password]@]host[:port]}, or
 * {@code rediss://...} for TLS (port 6379 if left out; {@code redis://:password@host} for the
 * {@code default} user). {@code host:port} is also its name in errors, health and metrics
 * ({@code -ERR backend 127.0.0.1:7379 unavailable}): the credentials never show in it.
 *
 * @param tls true to speak TLS to it ({@code rediss://})
 * @param user the user to log in as ({@code AUTH user password}); null for {@code AUTH password}
 * @param password the password; null to send no {@code AUTH}
 */
public record BackendAddress(String host, int port, boolean tls, String user, String password) {

    public BackendAddress {
        if (host == null || host.isBlank() || port < 1 || port > 65535) {
            throw new IllegalArgumentException("a backend is host:port, got " + host + ":" + port);
        }
    }

    public BackendAddress(String host, int port) {
        this(host, port, false, null, null);
    }

    /**
     * Parses {@code host:port} or a {@code redis://} / {@code rediss://} URI; used by Spring's
     * conversion when binding {@code kv.proxy.backends}.
     */
    public static BackendAddress valueOf(String text) {
        String trimmed = text.trim();
        if (trimmed.startsWith("redis://") || trimmed.startsWith("rediss://")) {
            return fromUri(trimmed);
        }
        int colon = trimmed.lastIndexOf(':');
        if (colon <= 0 || colon == trimmed.length() - 1) {
            throw new IllegalArgumentException("a backend is host:port or redis://[user:password@]host:port, got '"
                    + text + "'");
        }
        return new BackendAddress(trimmed.substring(0, colon), Integer.parseInt(trimmed.substring(colon + 1)));
    }

    private static BackendAddress fromUri(String text) {
        URI uri;
        try {
            uri = URI.create(text);
        }
        catch (IllegalArgumentException e) {
            // The message would quote the URI, password and all.
            throw new IllegalArgumentException("a backend URI is redis://[user[:password]@]host[:port] "
                    + "(percent-encode special characters in the password)");
        }
        String host = uri.getHost();
        if (host == null) {
            throw new IllegalArgumentException("a backend URI needs a host: redis://[user[:password]@]host[:port]");
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        String user = null;
        String password = null;
        String info = uri.getRawUserInfo();
        if (info != null) {
            int colon = info.indexOf(':');
            if (colon < 0) {
                password = decode(info); // redis://password@host, as redis-cli -u reads it
            }
            else {
                user = colon == 0 ? null : decode(info.substring(0, colon));
                password = decode(info.substring(colon + 1));
            }
        }
        return new BackendAddress(host, uri.getPort() < 0 ? 6379 : uri.getPort(), "rediss".equals(uri.getScheme()),
                user, password);
    }

    private static String decode(String part) {
        return URLDecoder.decode(part.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** This backend, logging in with {@code user} and {@code password} unless it has credentials of its own. */
    public BackendAddress withDefaultCredentials(String defaultUser, String defaultPassword) {
        if (password != null || defaultPassword == null || defaultPassword.isEmpty()) {
            return this;
        }
        return new BackendAddress(host, port, tls, defaultUser == null || defaultUser.isEmpty() ? null : defaultUser,
                defaultPassword);
    }

    /** {@code host:port}, without the credentials. */
    @Override
    public String toString() {
        return host + ":" + port;
    }
}
