package kv.client.config;

import java.time.Duration;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Where the shell sends its commands and how long it waits. Relaxed binding gives
 * {@code KV_CLIENT_HOST}, {@code KV_CLIENT_PORT}, {@code --kv.client.port=7379}.
 *
 * @param host the kv-proxy (the default) or a kv-server or a Redis
 * @param port 7380 reaches the proxy, 7379 a server directly
 * @param connectTimeout how long to wait for the TCP connection
 * @param replyTimeout how long to wait for an answer once a command is sent
 * @param valueWidth DUMP cuts longer values to this many characters (0: never cut)
 * @param tls speak TLS ({@code --tls}, as redis-cli)
 * @param cacert the CA certificate (PEM) the server's certificate must be signed by
 *               ({@code --cacert}); unset, the JVM's trusted CAs
 * @param cert a client certificate (PEM) for a server that asks for one ({@code --cert})
 * @param key its private key ({@code --key})
 * @param user the user to log in as ({@code --user}); its password comes from {@code KV_PASSWORD}
 *             or a prompt, never from the command line
 * @param askpass prompt for the password even without a user ({@code --askpass}: the {@code default} user)
 */
@ConfigurationProperties("kv.client")
@Validated
public record KvClientProperties(
        @DefaultValue("127.0.0.1") String host,
        @DefaultValue("7380") @Min(1) @Max(65535) int port,
        @DefaultValue("2s") Duration connectTimeout,
        @DefaultValue("10s") Duration replyTimeout,
        @DefaultValue("60") @Min(0) int valueWidth,
        @DefaultValue("false") boolean tls,
        String cacert,
        String cert,
        String key,
        String user,
        @DefaultValue("false") boolean askpass) {
}
