package kv.bench.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import kv.server.config.Fsync;
import kv.server.store.KeyValueStore;
import kv.server.store.RocksDbStore;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * kv-server's RocksDB store without the network: get of a present key, get of a missing key and
 * put over {@code keys} 16-byte keys with 100-byte values (the redis-benchmark shape), with the
 * server's default fsync (everysec). Run with {@code -t 2} to see the store's lock under contention.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class StoreBenchmark {

    @Param({"100000"})
    public int keys;

    @Param({"EVERYSEC"})
    public Fsync fsync;

    private Path directory;
    private RocksDbStore store;
    private byte[][] keyBytes;
    private byte[][] missingKeys;
    private byte[] value;

    @Setup(Level.Trial)
    public void open() throws IOException {
        directory = Files.createTempDirectory("kv-bench-store");
        store = new RocksDbStore(directory, fsync);
        value = new byte[100];
        java.util.Arrays.fill(value, (byte) 'v');
        keyBytes = new byte[keys][];
        for (int i = 0; i < keys; i++) {
            keyBytes[i] = key(i);
            store.put(new KeyValueStore.Entry(keyBytes[i], value));
        }
        missingKeys = new byte[keys][];
        for (int i = 0; i < keys; i++) {
            missingKeys[i] = key(keys + i);
        }
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        store.close();
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Benchmark
    public KeyValueStore.Entry getHit() {
        return store.get(keyBytes[ThreadLocalRandom.current().nextInt(keys)]);
    }

    @Benchmark
    public KeyValueStore.Entry getMiss() {
        return store.get(missingKeys[ThreadLocalRandom.current().nextInt(keys)]);
    }

    @Benchmark
    public void put() {
        store.put(new KeyValueStore.Entry(keyBytes[ThreadLocalRandom.current().nextInt(keys)], value));
    }

    /** 16 bytes, like redis-benchmark's "key:000000012345". */
    static byte[] key(int i) {
        return String.format("key:%012d", i).getBytes(StandardCharsets.US_ASCII);
    }
}
