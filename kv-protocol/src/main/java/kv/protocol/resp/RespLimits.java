package kv.protocol.resp;

/**
 * How much a peer may make us read before we call its input malformed.
 *
 * @param maxBulkBytes longest bulk string (Redis's {@code proto-max-bulk-len}: 512 MB)
 * @param maxArrayLength most elements in one array, i.e. most arguments of one command
 * @param maxInlineBytes longest inline command line and longest simple line (Redis: 64 KB)
 * @param maxDepth deepest nesting of aggregates (replies only; requests are flat)
 * @param maxMessageBytes most bytes the bulk strings of one request, or of one reply, add up to
 *                        (as Redis's {@code client-query-buffer-limit}: 1 GB)
 */
public record RespLimits(long maxBulkBytes, int maxArrayLength, int maxInlineBytes, int maxDepth,
                         long maxMessageBytes) {

    public static final long MAX_MESSAGE_BYTES = 1024L * 1024 * 1024;

    public static final RespLimits DEFAULTS = new RespLimits(512L * 1024 * 1024, 1024 * 1024, 64 * 1024, 64);

    public RespLimits {
        if (maxBulkBytes < 1 || maxBulkBytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("maxBulkBytes must be between 1 and " + (Integer.MAX_VALUE - 8));
        }
        if (maxArrayLength < 1 || maxInlineBytes < 16 || maxDepth < 1 || maxMessageBytes < 1) {
            throw new IllegalArgumentException("RESP limits must be positive (inline at least 16 bytes)");
        }
    }

    /** Limits with the default {@link #MAX_MESSAGE_BYTES} for a whole request or reply. */
    public RespLimits(long maxBulkBytes, int maxArrayLength, int maxInlineBytes, int maxDepth) {
        this(maxBulkBytes, maxArrayLength, maxInlineBytes, maxDepth, MAX_MESSAGE_BYTES);
    }
}
