package kv.server.ops;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.MeterRegistry;
import kv.protocol.dashboard.DashboardSource;
import kv.protocol.dashboard.Reading;
import kv.protocol.endpoint.ClientRegistry;
import kv.server.command.CommandDispatcher;
import kv.server.command.Databases;
import kv.server.config.KvServerProperties;
import kv.server.session.ClientSession;
import kv.server.store.KeyValueStore;
import kv.server.store.StoreMemory;
import org.springframework.stereotype.Component;

/**
 * kv-server's figures for the live dashboard, read from what the server counts already: the
 * {@code kv.commands} meters (the counters of {@code INFO commandstats}), the dispatcher's latency
 * histogram, the client registry, the store's per-database key counts and memory, the data
 * directory's disk.
 */
@Component
class ServerDashboard implements DashboardSource {

    private final MeterRegistry meters;
    private final CommandDispatcher dispatcher;
    private final ClientRegistry<ClientSession> clients;
    private final KeyValueStore store;
    private final Databases databases;
    private final KvServerProperties properties;

    ServerDashboard(MeterRegistry meters, CommandDispatcher dispatcher, ClientRegistry<ClientSession> clients,
                    KeyValueStore store, Databases databases, KvServerProperties properties) {
        this.meters = meters;
        this.dispatcher = dispatcher;
        this.clients = clients;
        this.store = store;
        this.databases = databases;
        this.properties = properties;
    }

    @Override
    public String service() {
        return "kv-server";
    }

    @Override
    public boolean timesCommands() {
        return true;
    }

    @Override
    public Reading read() {
        Map<String, Reading.CommandTotals> commands = new LinkedHashMap<>();
        for (FunctionTimer timer : meters.find("kv.commands").functionTimers()) {
            commands.put(timer.getId().getTag("command"),
                    new Reading.CommandTotals((long) timer.count(), (long) timer.totalTime(TimeUnit.NANOSECONDS)));
        }
        List<Reading.DatabaseKeys> keys = new ArrayList<>();
        for (int db = 0; db < databases.count(); db++) {
            long count = store.size(databases.prefix(db));
            if (count > 0) {
                keys.add(new Reading.DatabaseKeys(db, count));
            }
        }
        return new Reading(commands, dispatcher.latency().counts(), clients.connected(), keys, memory(), disk(),
                null, null, null);
    }

    private List<Reading.Amount> memory() {
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        StoreMemory store = this.store.memory();
        List<Reading.Amount> memory = new ArrayList<>();
        memory.add(new Reading.Amount("heap", heap.getUsed(), Math.max(0, heap.getMax())));
        memory.add(new Reading.Amount("value cache (on the heap)", store.valueCacheBytes(), store.valueCacheCapacity()));
        memory.add(new Reading.Amount("RocksDB memtables", store.memtableBytes(), 0));
        memory.add(new Reading.Amount("RocksDB block cache", store.blockCacheBytes(), store.blockCacheCapacity()));
        return memory;
    }

    private Reading.Disk disk() {
        Path dir = properties.dataDir();
        return new Reading.Disk(directoryBytes(dir), dir.toFile().getUsableSpace(), dir.toFile().getTotalSpace());
    }

    /** The bytes of the files under {@code dir}: RocksDB's SST, blob and log files (a few dozen files). */
    static long directoryBytes(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.mapToLong(ServerDashboard::size).sum();
        }
        catch (NoSuchFileException e) {
            return 0;
        }
        catch (IOException | UncheckedIOException e) {
            return 0; // a file removed by a compaction while walking: the next sample counts again
        }
    }

    private static long size(Path file) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            return attributes.isRegularFile() ? attributes.size() : 0;
        }
        catch (IOException e) {
            return 0;
        }
    }
}
