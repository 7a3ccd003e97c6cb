package kv.server.ops;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import kv.server.command.Databases;
import kv.server.config.KvServerProperties;
import kv.server.store.KeyValueStore;
import org.springframework.stereotype.Component;

/**
 * The store's meters beside the dashboard's figures, so that Grafana shows the same:
 * {@code kv.store.memory{area=memtables|block.cache|value.cache}} (bytes), the data directory's
 * {@code kv.store.disk.used} and {@code kv.store.disk.free} (bytes), and
 * {@code kv.db.keys{db=N}}, the keys of each database (INFO keyspace's counts).
 */
@Component
class StoreMetrics {

    StoreMetrics(MeterRegistry meters, KeyValueStore store, Databases databases, KvServerProperties properties) {
        Gauge.builder("kv.store.memory", store, s -> s.memory().memtableBytes()).tag("area", "memtables")
                .description("RocksDB memtables: writes not yet flushed to SST files").baseUnit("bytes").register(meters);
        Gauge.builder("kv.store.memory", store, s -> s.memory().blockCacheBytes()).tag("area", "block.cache")
                .description("RocksDB block cache in use").baseUnit("bytes").register(meters);
        Gauge.builder("kv.store.memory", store, s -> s.memory().valueCacheBytes()).tag("area", "value.cache")
                .description("kv's value cache in front of RocksDB (on the heap)").baseUnit("bytes").register(meters);
        Gauge.builder("kv.store.disk.used", properties, p -> ServerDashboard.directoryBytes(p.dataDir()))
                .description("Bytes of the files in the data directory").baseUnit("bytes").register(meters);
        // Gauges hold their object weakly: the properties bean lives as long as the application.
        Gauge.builder("kv.store.disk.free", properties, p -> p.dataDir().toFile().getUsableSpace())
                .description("Free bytes on the data directory's disk").baseUnit("bytes").register(meters);
        for (int db = 0; db < databases.count(); db++) {
            byte[] prefix = databases.prefix(db);
            Gauge.builder("kv.db.keys", store, s -> s.size(prefix)).tag("db", Integer.toString(db))
                    .description("Keys in the database").register(meters);
        }
    }
}
