package kv.server.config;

/**
 * When the write-ahead log reaches the disk, named after Redis's {@code appendfsync}.
 * Every mode survives a crash of the process (the log is written before the reply); they differ
 * on a crash of the machine.
 */
public enum Fsync {
    /** Sync the log before acknowledging each write: nothing acknowledged is ever lost. */
    ALWAYS,
    /** Sync the log once a second: a machine crash may lose the last second. */
    EVERYSEC,
    /** Leave syncing to the operating system. */
    NO
}
