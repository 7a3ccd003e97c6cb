package kv.protocol.tls;

/**
 * Whether TLS clients must show a certificate, as Redis's {@code tls-auth-clients}: {@code yes}
 * (the default: a client without one signed by the CA is refused), {@code optional} (one is
 * checked if shown) or {@code no} (none is asked for).
 */
public enum AuthClients {
    YES,
    OPTIONAL,
    NO
}
