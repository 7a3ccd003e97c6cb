package kv.server.ops;

import java.io.File;

import kv.server.config.KvServerProperties;
import kv.server.store.DiskGuard;
import kv.server.store.KeyValueStore;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/** {@code /actuator/health/storage}: DOWN when RocksDB reports errors or the disk is too full to store values, with the free disk space. */
@Component("storage")
class StorageHealthIndicator implements HealthIndicator {

    private final KeyValueStore store;
    private final KvServerProperties properties;
    private final DiskGuard disk;

    StorageHealthIndicator(KeyValueStore store, KvServerProperties properties, DiskGuard disk) {
        this.store = store;
        this.properties = properties;
        this.disk = disk;
    }

    @Override
    public Health health() {
        String problem = disk.storageProblem(store);
        Health.Builder health = problem == null ? Health.up() : Health.down().withDetail("error", problem);
        File dir = properties.dataDir().toFile();
        return health.withDetail("engine", "rocksdb")
                .withDetail("dataDir", dir.getAbsolutePath())
                .withDetail("fsync", properties.fsync().name().toLowerCase())
                .withDetail("freeBytes", dir.getUsableSpace())
                .withDetail("estimatedKeys", store.estimatedSize())
                .build();
    }
}
