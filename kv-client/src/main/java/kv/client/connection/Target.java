package kv.client.connection;

/** A host and port to reach kv at, as the user writes it: {@code 127.0.0.1:7379}. */
public record Target(String host, int port) {

    public Target {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("a host is needed");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is not between 1 and 65535");
        }
    }

    /**
     * Parses {@code host:port}, {@code host} (keeps {@code defaultPort}) or {@code :port}
     * (keeps {@code defaultHost}); an IPv6 host goes in brackets: {@code [::1]:7379}.
     */
    public static Target parse(String text, String defaultHost, int defaultPort) {
        String host = text;
        int port = defaultPort;
        int colon = text.lastIndexOf(':');
        boolean bracketed = text.startsWith("[");
        if (colon >= 0 && (!bracketed || colon > text.indexOf(']'))) {
            host = text.substring(0, colon);
            try {
                port = Integer.parseInt(text.substring(colon + 1));
            }
            catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + text.substring(colon + 1) + "' is not a port number");
            }
        }
        if (bracketed && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new Target(host.isEmpty() ? defaultHost : host, port);
    }

    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
