package kv.protocol.acl;

import java.nio.charset.StandardCharsets;

import kv.protocol.Glob;

/**
 * One key pattern of a user: {@code ~pattern} (read and write), {@code %R~pattern} (read only)
 * or {@code %W~pattern} (write only), matched with kv's linear {@link Glob}.
 */
public record KeyPattern(String pattern, boolean read, boolean write, Glob glob) {

    KeyPattern(String pattern, boolean read, boolean write) {
        this(pattern, read, write, Glob.of(pattern.getBytes(StandardCharsets.UTF_8)));
    }

    /** True if this pattern gives the access asked for ({@code needRead}, {@code needWrite}) to {@code key}. */
    boolean allows(byte[] key, boolean needRead, boolean needWrite) {
        return (!needRead || read) && (!needWrite || write) && glob.matches(key);
    }

    KeyPattern widened(boolean addRead, boolean addWrite) {
        return new KeyPattern(pattern, read || addRead, write || addWrite, glob);
    }

    /** As ACL LIST and GETUSER write it. */
    String describe() {
        return (read && write ? "~" : read ? "%R~" : "%W~") + pattern;
    }
}
