package kv.server.config;

import java.nio.file.Path;
import java.time.Duration;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import kv.protocol.config.HeapShare;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Settings under {@code kv.server}; each also reads from the environment with relaxed binding
 * ({@code KV_SERVER_PORT}, {@code KV_SERVER_DATA_DIR}, ...) and from flags
 * ({@code --kv.server.port=7379}).
 *
 * @param port RESP port; 0 picks a free one
 * @param bind address to listen on; 0.0.0.0 for every interface
 * @param dataDir where RocksDB keeps its files
 * @param fsync when the write-ahead log is synced to disk
 * @param maxClients connections beyond this are refused with an error
 * @param shutdownTimeout how long a SIGTERM waits for commands in flight
 * @param cacheSize memory for recently read and written values in front of RocksDB (0: none);
 *                  unset, a quarter of the JVM's maximum heap (see {@link #cacheBytes})
 * @param minFreeDisk free space the data directory's disk keeps: below it SET, PUT and MSET are
 *                    refused until there is room again (0: no check; see {@code DiskGuard})
 * @param ioThreads event loop threads serving the connections (1, as Redis; more on a large
 *                  machine whose clients are many and busy)
 * @param limits request size limits
 * @param databases number of databases (SELECT 0 to databases-1), as Redis's {@code databases}
 * @param expiry the active expiry cycle
 */
@ConfigurationProperties("kv.server")
@Validated
public record KvServerProperties(
        @DefaultValue("7379") @Min(0) @Max(65535) int port,
        @DefaultValue("127.0.0.1") String bind,
        @DefaultValue("./data") Path dataDir,
        @DefaultValue("everysec") Fsync fsync,
        @DefaultValue("10000") @Min(1) int maxClients,
        @DefaultValue("10s") Duration shutdownTimeout,
        @DefaultValue("1") @Min(1) int ioThreads,
        DataSize cacheSize,
        @DefaultValue("128MB") DataSize minFreeDisk,
        @DefaultValue @Valid Limits limits,
        @DefaultValue("16") @Min(1) @Max(255) int databases,
        @DefaultValue @Valid Expiry expiry) {

    /** The value cache's bound in bytes: {@code cache-size} if set, else {@link HeapShare a quarter of the maximum heap}. */
    public long cacheBytes() {
        return HeapShare.bytesOrQuarterOfHeap(cacheSize);
    }

    /**
     * The active expiry cycle: every {@code interval} it deletes keys whose time has come, in
     * slices of {@code slice} keys, for at most {@code budget} of each interval (Redis spends at
     * most 25% of its time on it); keys past their time are never read in between (passive expiry).
     *
     * @param active false: keys past their expiry are only hidden from reads, never deleted
     * @param interval how often the cycle runs
     * @param budget how long one run may take at most
     * @param slice keys deleted in one step (one RocksDB batch)
     */
    public record Expiry(
            @DefaultValue("true") boolean active,
            @DefaultValue("100ms") Duration interval,
            @DefaultValue("25ms") Duration budget,
            @DefaultValue("200") @Min(1) int slice) {
    }

    /**
     * @param maxBulk longest single argument (Redis {@code proto-max-bulk-len})
     * @param maxInline longest inline command line
     * @param maxArgs most arguments in one command
     * @param queryBuffers memory all clients' requests still arriving may hold together (see
     *                     {@code QueryBudget}); the client whose request would pass it gets an error
     *                     and is closed. Unset, a quarter of the JVM's maximum heap
     * @param clientOutputBuffer unsent replies at which a client that does not read them is closed
     *                           (Redis's {@code client-output-buffer-limit normal}, hard limit); 0: none
     */
    public record Limits(
            @DefaultValue("512MB") DataSize maxBulk,
            @DefaultValue("64KB") DataSize maxInline,
            @DefaultValue("1048576") @Min(1) int maxArgs,
            DataSize queryBuffers,
            @DefaultValue("1GB") DataSize clientOutputBuffer) {

        /** {@code query-buffers} in bytes, or a quarter of the maximum heap if unset. */
        public long queryBufferBytes() {
            return HeapShare.bytesOrQuarterOfHeap(queryBuffers);
        }
    }
}
