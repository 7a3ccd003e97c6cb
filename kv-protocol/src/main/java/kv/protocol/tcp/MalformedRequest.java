package kv.protocol.tcp;

/** Bytes that were not a request; {@code detail} says why, for the {@code Protocol error} reply. */
public record MalformedRequest(String detail) {
}
