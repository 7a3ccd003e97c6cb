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
 */
@ConfigurationProperties("kv.client")
@Validated
public record KvClientProperties(
        @DefaultValue("127.0.0.1") String host,
        @DefaultValue("7380") @Min(1) @Max(65535) int port,
        @DefaultValue("2s") Duration connectTimeout,
        @DefaultValue("10s") Duration replyTimeout,
        @DefaultValue("60") @Min(0) int valueWidth) {
}
