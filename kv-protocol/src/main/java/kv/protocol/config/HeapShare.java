package kv.protocol.config;

import org.springframework.util.unit.DataSize;

/**
 * The default size of a service's in-memory cache (kv-server's value cache, kv-proxy's read
 * cache): a quarter of the JVM's maximum heap ({@code -Xmx}; by default the JVM takes a quarter of
 * the machine's or container's memory). A fixed default would be wrong both ways: too small to
 * hold a modest data set on a large machine, or more than a small container's whole heap.
 */
public final class HeapShare {

    private HeapShare() {
    }

    /** {@code configured} in bytes if it is set, else a quarter of the maximum heap. */
    public static long bytesOrQuarterOfHeap(DataSize configured) {
        return configured != null ? configured.toBytes() : Runtime.getRuntime().maxMemory() / 4;
    }
}
