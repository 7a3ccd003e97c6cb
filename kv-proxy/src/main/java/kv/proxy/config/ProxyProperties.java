package kv.proxy.config;

import java.time.Duration;
import java.util.List;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import kv.protocol.config.HeapShare;
import kv.protocol.endpoint.OutputBufferLimit;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Settings under {@code kv.proxy}; each also reads from the environment with relaxed binding
 * ({@code KV_PROXY_PORT}, {@code KV_PROXY_BACKENDS=127.0.0.1:7379,127.0.0.1:7479}) and from flags
 * ({@code --kv.proxy.port=7380}).
 *
 * @param port RESP port clients connect to; 0 picks a free one
 * @param bind address to listen on; 0.0.0.0 for every interface
 * @param backends the servers behind the proxy, {@code host:port} each, or a replicated group's
 *                 members joined by {@code |} (see {@link BackendGroupAddress}); keys are spread
 *                 over them by consistent hashing, so the order does not matter but the set does
 * @param cache the read cache
 * @param timeouts how long the proxy waits for a backend
 * @param poolSize requests in flight per backend, each on a pooled connection; also the worker threads for
 *                 commands that wait on backends
 * @param ioThreads event loop threads serving the client connections
 * @param maxClients client connections beyond this are refused with
 *                   {@code -ERR max number of clients reached}, as Redis's {@code maxclients}
 * @param limits memory bounds on what clients send and are sent
 */
@ConfigurationProperties("kv.proxy")
@Validated
public record ProxyProperties(
        @DefaultValue("7380") @Min(0) @Max(65535) int port,
        @DefaultValue("127.0.0.1") String bind,
        @DefaultValue("127.0.0.1:7379") @NotEmpty List<BackendGroupAddress> backends,
        @DefaultValue Cache cache,
        @DefaultValue Timeouts timeouts,
        @DefaultValue("32") @Min(1) int poolSize,
        @DefaultValue("1") @Min(1) int ioThreads,
        @DefaultValue("10000") @Min(1) int maxClients,
        @DefaultValue Limits limits) {

    /**
     * As kv-server's {@code kv.server.limits}.
     *
     * @param queryBuffers memory all clients' requests still arriving may hold together; the client
     *                     whose request would pass it gets an error and is closed. Unset, a
     *                     quarter of the JVM's maximum heap
     * @param clientOutputBuffer unsent replies at which a client that does not read them is closed; 0: none
     * @param clientOutputBufferPubsub Redis's {@code client-output-buffer-limit pubsub} for the
     *                     proxy's subscribers, {@code <hard> <soft> <soft seconds>}: a subscriber whose
     *                     unsent output reaches the hard limit, or stays over the soft one that long, is closed
     */
    public record Limits(DataSize queryBuffers, @DefaultValue("1GB") DataSize clientOutputBuffer,
                         @DefaultValue("32mb 8mb 60") String clientOutputBufferPubsub) {

        public Limits {
            pubsubLimit(clientOutputBufferPubsub); // refuse a wrong one at start
        }

        public long queryBufferBytes() {
            return HeapShare.bytesOrQuarterOfHeap(queryBuffers);
        }

        /** {@link #clientOutputBufferPubsub} parsed. */
        public OutputBufferLimit pubsubLimit() {
            return pubsubLimit(clientOutputBufferPubsub);
        }

        private static OutputBufferLimit pubsubLimit(String text) {
            try {
                return OutputBufferLimit.parse(text);
            }
            catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("kv.proxy.limits.client-output-buffer-pubsub: " + e.getMessage(), e);
            }
        }
    }

    /**
     * @param enabled false makes the proxy a plain router (every read goes to a backend)
     * @param maxBytes bound on cached keys and values, weighed in bytes (W-TinyLFU eviction);
     *                 unset, a quarter of the JVM's maximum heap (see {@link #maxBytesOrDefault})
     * @param ttl a safety net: entries older than this are dropped even without an invalidation;
     *            zero (the default) means none, coherence relies on invalidations alone
     */
    public record Cache(
            @DefaultValue("true") boolean enabled,
            DataSize maxBytes,
            @DefaultValue("0s") Duration ttl) {

        /** The bound in bytes: {@code max-bytes} if set, else {@link HeapShare a quarter of the maximum heap}. */
        public long maxBytesOrDefault() {
            return HeapShare.bytesOrQuarterOfHeap(maxBytes);
        }
    }

    /**
     * @param connect to open a TCP connection to a backend (whole seconds, at least 1)
     * @param reply for a backend's reply to one request
     * @param heartbeat the invalidation connection is pinged this often and declared broken after
     *                  three silent intervals
     * @param reconnectMax longest pause between attempts to reach a lost backend
     * @param failover how long a request to a replicated group waits for the group to have a
     *                 leader again (after {@code -READONLY}, a lost leader or a leader change)
     *                 before it fails; the leader is looked for again every 50 ms meanwhile
     */
    public record Timeouts(
            @DefaultValue("1s") Duration connect,
            @DefaultValue("2s") Duration reply,
            @DefaultValue("1s") Duration heartbeat,
            @DefaultValue("1s") Duration reconnectMax,
            @DefaultValue("5s") Duration failover) {
    }
}
