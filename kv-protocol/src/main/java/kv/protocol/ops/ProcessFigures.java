package kv.protocol.ops;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * INFO's memory and cpu sections of every kv service, with the fields monitoring tools read
 * (redis_exporter, Datadog, redis-cli --stat), from what the JVM and Linux's /proc say about this
 * process. {@code used_memory} is the Java heap in use; memory outside it (kv-server's RocksDB block
 * cache and memtables) shows in {@code used_memory_rss}.
 */
public final class ProcessFigures {

    /** Linux's clock ticks per second for /proc/self/stat's times ({@code getconf CLK_TCK}: 100 on every common build). */
    private static final double TICKS_PER_SECOND = 100.0;

    private ProcessFigures() {
    }

    /** Adds INFO memory's fields to {@code fields}, in Redis's order. */
    public static void memory(Map<String, Object> fields) {
        long used = 0;
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                used += pool.getUsage().getUsed();
                peak += pool.getPeakUsage().getUsed();
            }
        }
        long rss = residentBytes();
        fields.put("used_memory", used);
        fields.put("used_memory_human", human(used));
        fields.put("used_memory_rss", rss);
        fields.put("used_memory_rss_human", human(rss));
        fields.put("used_memory_peak", peak);
        fields.put("used_memory_peak_human", human(peak));
        fields.put("total_system_memory", systemMemory());
        fields.put("total_system_memory_human", human(systemMemory()));
        fields.put("maxmemory", 0); // as CONFIG GET maxmemory: no Redis-style limit (the heap is -Xmx)
        fields.put("maxmemory_human", "0B");
        fields.put("maxmemory_policy", "noeviction");
        fields.put("mem_fragmentation_ratio", used == 0 ? "0.00" : String.format(Locale.ROOT, "%.2f", (double) rss / used));
        fields.put("mem_allocator", "jvm");
    }

    /** Adds INFO cpu's fields to {@code fields}, in Redis's order. */
    public static void cpu(Map<String, Object> fields) {
        double[] times = cpuSeconds();
        fields.put("used_cpu_sys", String.format(Locale.ROOT, "%.6f", times[1]));
        fields.put("used_cpu_user", String.format(Locale.ROOT, "%.6f", times[0]));
        fields.put("used_cpu_sys_children", "0.000000");
        fields.put("used_cpu_user_children", "0.000000");
    }

    /** User and system seconds of this process: /proc/self/stat, else the JVM's total as user time. */
    private static double[] cpuSeconds() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] after = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // after[0] is field 3 (state): utime is field 14, stime field 15.
            return new double[] {Long.parseLong(after[11]) / TICKS_PER_SECOND, Long.parseLong(after[12]) / TICKS_PER_SECOND};
        }
        catch (IOException | RuntimeException e) {
            if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
                return new double[] {os.getProcessCpuTime() / 1e9, 0};
            }
            return new double[] {0, 0};
        }
    }

    /** VmRSS from /proc/self/status, else the committed heap. */
    private static long residentBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        }
        catch (IOException | RuntimeException e) {
            // not Linux
        }
        return Runtime.getRuntime().totalMemory();
    }

    private static long systemMemory() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getTotalMemorySize() : 0;
    }

    /** Redis's human form: 1.23M, 512.00K, 2.50G. */
    public static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + "B";
        }
        String[] units = {"K", "M", "G", "T", "P"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.2f%s", value, units[unit]);
    }
}
