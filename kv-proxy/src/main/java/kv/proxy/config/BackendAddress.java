package kv.proxy.config;

/**
 * Where a backend listens. Written {@code host:port}, which is also its name in errors, health
 * and metrics ({@code -ERR backend 127.0.0.1:7379 unavailable}).
 */
public record BackendAddress(String host, int port) {

    public BackendAddress {
        if (host == null || host.isBlank() || port < 1 || port > 65535) {
            throw new IllegalArgumentException("a backend is host:port, got " + host + ":" + port);
        }
    }

    /** Parses {@code host:port}; used by Spring's conversion when binding {@code kv.proxy.backends}. */
    public static BackendAddress valueOf(String text) {
        String trimmed = text.trim();
        int colon = trimmed.lastIndexOf(':');
        if (colon <= 0 || colon == trimmed.length() - 1) {
            throw new IllegalArgumentException("a backend is host:port, got '" + text + "'");
        }
        return new BackendAddress(trimmed.substring(0, colon), Integer.parseInt(trimmed.substring(colon + 1)));
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }
}
