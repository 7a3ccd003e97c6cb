package kv.protocol.acl;

import java.util.ArrayList;
import java.util.LinkedList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * ACL LOG: the latest refused commands and failed authentications, newest first, as Redis keeps
 * them. A refusal like one of the last ten (same reason, context, object and user) within 60 s
 * counts on that entry, which moves to the front, instead of adding one; at most
 * {@link #MAX_ENTRIES} are kept (Redis's {@code acllog-max-len}). Thread-safe.
 */
public final class AclLog {

    public static final int MAX_ENTRIES = 128;
    private static final long GROUP_MILLIS = 60_000;

    /** One entry: {@code context} is {@code toplevel}, {@code multi} or {@code lua}. */
    public record Entry(long count, String reason, String context, String object, String username,
                        long createdMillis, long updatedMillis, String clientInfo) {
    }

    private final LinkedList<Entry> entries = new LinkedList<>();
    private final LongSupplier clock;

    /** @param clock milliseconds now (a test passes its own) */
    public AclLog(LongSupplier clock) {
        this.clock = clock;
    }

    public synchronized void add(String reason, String context, String object, String username, String clientInfo) {
        long now = clock.getAsLong();
        int i = 0;
        for (var it = entries.listIterator(); it.hasNext() && i < 10; i++) {
            Entry old = it.next();
            if (old.reason.equals(reason) && old.context.equals(context) && old.object.equals(object)
                    && old.username.equals(username) && now - old.createdMillis <= GROUP_MILLIS) {
                it.remove();
                entries.addFirst(new Entry(old.count + 1, reason, context, object, username, now, now, clientInfo));
                return;
            }
        }
        entries.addFirst(new Entry(1, reason, context, object, username, now, now, clientInfo));
        while (entries.size() > MAX_ENTRIES) {
            entries.removeLast();
        }
    }

    /** The newest {@code count} entries. */
    public synchronized List<Entry> latest(int count) {
        return new ArrayList<>(entries.subList(0, Math.min(count, entries.size())));
    }

    public synchronized void reset() {
        entries.clear();
    }

    /** Milliseconds now, by this log's clock. */
    public long now() {
        return clock.getAsLong();
    }
}
