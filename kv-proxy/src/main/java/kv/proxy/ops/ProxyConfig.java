package kv.proxy.ops;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import kv.protocol.endpoint.RespServerConnectionFactory;
import kv.protocol.resp.RespLimits;
import kv.protocol.config.RuntimeSettings;
import kv.protocol.config.Secrets;
import kv.protocol.tls.TlsSettings;
import kv.protocol.tls.TlsStatus;
import kv.proxy.backend.Backend;
import kv.proxy.backend.Backends;
import kv.proxy.config.ProxyProperties;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * The parameters {@code CONFIG GET} answers on kv-proxy: those of Redis 7 that mean something
 * for a proxy, with the proxy's values, then the proxy's own settings under their
 * {@code kv.proxy.*} names. Redis's parameters about a dataset on disk (dir, dbfilename,
 * appendfsync, ...) are not listed: the proxy has none, and an answer would mislead.
 */
@Component
public class ProxyConfig {

    private final ProxyProperties properties;
    private final Backends backends;
    private final ObjectProvider<RespServerConnectionFactory> connectionFactory;
    private final ObjectProvider<RuntimeSettings> settable;
    private final TlsStatus tls;

    public ProxyConfig(ProxyProperties properties, Backends backends,
                       ObjectProvider<RespServerConnectionFactory> connectionFactory,
                       ObjectProvider<RuntimeSettings> settable, Environment environment,
                       ObjectProvider<org.springframework.boot.ssl.SslBundles> sslBundles) {
        this.settable = settable;
        TlsSettings tlsSettings = TlsSettings.bind(environment, "kv.proxy");
        this.tls = new TlsStatus(tlsSettings, tlsSettings.enabled()
                ? TlsSettings.bundle(environment, "kv.proxy", sslBundles.getIfAvailable()) : null);
        this.properties = properties;
        this.backends = backends;
        this.connectionFactory = connectionFactory;
    }

    /** Every parameter and its value, in a stable order. */
    public Map<String, String> values() {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("bind", properties.bind());
        values.put("port", Integer.toString(port()));
        values.put("databases", Integer.toString(databases()));
        values.put("io-threads", Integer.toString(properties.ioThreads()));
        values.put("maxclients", Integer.toString(properties.maxClients()));
        // The read cache is the proxy's memory: bounded by bytes, evicting by frequency (W-TinyLFU).
        values.put("maxmemory", Long.toString(properties.cache().maxBytesOrDefault()));
        values.put("maxmemory-policy", "allkeys-lfu");
        values.put("proto-max-bulk-len", Long.toString(RespLimits.DEFAULTS.maxBulkBytes()));
        values.put("client-query-buffer-limit", Long.toString(RespLimits.DEFAULTS.maxBulkBytes()));
        values.put("client-output-buffer-limit", "normal " + properties.limits().clientOutputBuffer().toBytes()
                + " 0 0 slave 268435456 67108864 60 pubsub " + properties.limits().pubsubLimit()); // as kv-server's
        values.put("timeout", "0");
        values.put("save", "");
        values.put("appendonly", "no");
        values.put("cluster-enabled", "no");
        RespServerConnectionFactory factory = connectionFactory.getIfAvailable();
        values.putAll(tls.configValues(factory == null ? 0 : factory.getTlsPort()));
        values.put("kv.proxy.backends", backends.all().stream().map(Backend::name).collect(Collectors.joining(",")));
        values.put("kv.proxy.pool-size", Integer.toString(properties.poolSize()));
        values.put("kv.proxy.cache.enabled", properties.cache().enabled() ? "yes" : "no");
        values.put("kv.proxy.cache.max-bytes", Long.toString(properties.cache().maxBytesOrDefault()));
        values.put("kv.proxy.cache.ttl", seconds(properties.cache().ttl()));
        values.put("kv.proxy.timeouts.connect", seconds(properties.timeouts().connect()));
        values.put("kv.proxy.timeouts.reply", seconds(properties.timeouts().reply()));
        values.put("kv.proxy.timeouts.heartbeat", seconds(properties.timeouts().heartbeat()));
        values.put("kv.proxy.timeouts.reconnect-max", seconds(properties.timeouts().reconnectMax()));
        values.put("slowlog-log-slower-than", "");
        values.put("slowlog-max-len", "");
        values.put("latency-monitor-threshold", "");
        RuntimeSettings runtime = settable.getIfAvailable();
        if (runtime != null) {
            runtime.current(values); // as CONFIG SET left them: maxclients, maxmemory, slowlog-*, ...
        }
        values.replaceAll(Secrets::shown); // a password never leaves the process (see Secrets)
        return values;
    }

    /** The TLS port's settings and certificate (INFO shows its expiry). */
    public TlsStatus tls() {
        return tls;
    }

    /** The databases every backend has: what SELECT accepts. */
    public int databases() {
        return backends.all().stream().mapToInt(Backend::databases).min().orElse(1);
    }

    private int port() {
        RespServerConnectionFactory factory = connectionFactory.getIfAvailable();
        return factory == null || factory.getPort() == 0 ? properties.port() : factory.getPort();
    }

    private static String seconds(java.time.Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + "s"
                : String.format(Locale.ROOT, "%dms", duration.toMillis());
    }
}
