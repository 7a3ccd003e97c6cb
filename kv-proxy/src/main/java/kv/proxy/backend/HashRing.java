package kv.proxy.backend;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Consistent hashing, ketama-style (as libketama, twemproxy and spymemcached do it): each node
 * owns 160 points on a 32-bit circle, four per MD5 digest of {@code "name-i"}, and a key belongs
 * to the first point at or after the first four bytes of its own MD5. Adding or removing one of N
 * nodes moves about 1/N of the keys, and the same node names give the same ring in every proxy.
 *
 * @param <N> what a point leads to (a backend); {@code toString()} is its name on the ring
 */
public final class HashRing<N> {

    private static final int POINTS_PER_NODE = 160;

    private static final ThreadLocal<MessageDigest> MD5 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("MD5");
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is required of every JVM", e);
        }
    });

    private final long[] points;
    private final List<N> owners;
    private final List<N> nodes;

    public HashRing(List<N> nodes) {
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException("a ring needs at least one node");
        }
        this.nodes = List.copyOf(nodes);
        TreeMap<Long, N> ring = new TreeMap<>();
        for (N node : nodes) {
            for (int i = 0; i < POINTS_PER_NODE / 4; i++) {
                byte[] digest = md5((node + "-" + i).getBytes(StandardCharsets.UTF_8));
                for (int h = 0; h < 4; h++) {
                    ring.putIfAbsent(point(digest, h), node);
                }
            }
        }
        this.points = new long[ring.size()];
        this.owners = new ArrayList<>(ring.size());
        int i = 0;
        for (Map.Entry<Long, N> entry : ring.entrySet()) {
            points[i++] = entry.getKey();
            owners.add(entry.getValue());
        }
    }

    public List<N> nodes() {
        return nodes;
    }

    /** The node that owns {@code key}. */
    public N owner(byte[] key) {
        if (nodes.size() == 1) {
            return nodes.get(0);
        }
        long hash = point(md5(key), 0);
        int at = Arrays.binarySearch(points, hash);
        if (at < 0) {
            at = -at - 1;
        }
        return owners.get(at == points.length ? 0 : at);
    }

    private static long point(byte[] digest, int h) {
        return ((long) (digest[3 + h * 4] & 0xff) << 24) | ((long) (digest[2 + h * 4] & 0xff) << 16)
                | ((long) (digest[1 + h * 4] & 0xff) << 8) | (digest[h * 4] & 0xff);
    }

    private static byte[] md5(byte[] bytes) {
        MessageDigest md5 = MD5.get();
        md5.reset();
        return md5.digest(bytes);
    }
}
