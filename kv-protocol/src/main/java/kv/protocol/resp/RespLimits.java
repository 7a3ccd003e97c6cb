package kv.protocol.resp;

/**
 * How much a peer may make us read before we call its input malformed.
 *
 * @param maxBulkBytes longest bulk string (Redis's {@code proto-max-bulk-len}: 512 MB)
 * @param maxArrayLength most elements in one array, i.e. most arguments of one command
 * @param maxInlineBytes longest inline command line and longest simple line (Redis: 64 KB)
 * @param maxDepth deepest nesting of aggregates (replies only; requests are flat)
 */
public record RespLimits(long maxBulkBytes, int maxArrayLength, int maxInlineBytes, int maxDepth) {

    public static final RespLimits DEFAULTS = new RespLimits(512L * 1024 * 1024, 1024 * 1024, 64 * 1024, 64);

    public RespLimits {
        if (maxBulkBytes < 1 || maxBulkBytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("maxBulkBytes must be between 1 and " + (Integer.MAX_VALUE - 8));
        }
        if (maxArrayLength < 1 || maxInlineBytes < 16 || maxDepth < 1) {
            throw new IllegalArgumentException("RESP limits must be positive (inline at least 16 bytes)");
        }
    }
}
