package kv.server.session;

import java.util.List;

/**
 * How a connection asked to track keys ({@code CLIENT TRACKING ON ...}).
 *
 * @param broadcast BCAST: told about every written key matching {@code prefixes} (all keys if empty);
 *                  otherwise told only about keys it has read since its last invalidation
 * @param prefixes  BCAST key prefixes
 * @param noLoop    not told about its own writes
 */
public record TrackingMode(boolean broadcast, List<byte[]> prefixes, boolean noLoop) {

    /** True if a BCAST connection in this mode is told about a write of {@code key}. */
    public boolean covers(byte[] key) {
        if (prefixes.isEmpty()) {
            return true;
        }
        for (byte[] prefix : prefixes) {
            if (key.length >= prefix.length
                    && java.util.Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length)) {
                return true;
            }
        }
        return false;
    }
}
