package kv.proxy.backend;

import java.util.ArrayList;
import java.util.List;

import kv.protocol.resp.RespValue;

/**
 * A member's answer to {@code ROLE}, in Redis's shapes (kv-server's cluster mode answers the same):
 * a leader {@code ["master", appliedIndex, [[host, port, appliedIndex], ...]]}, a follower
 * {@code ["slave", leaderHost, leaderPort, "connected"|"connecting"|..., appliedIndex]}. Numbers
 * may come as integers or as bulk strings (Redis writes a leader's followers' ports and offsets
 * as strings).
 *
 * @param leader true for {@code master}
 * @param leaderName a follower's leader as {@code host:port}; null for a leader or when unknown
 * @param appliedIndex the member's replication offset or applied index; -1 if not said
 * @param followers a leader's followers as it sees them; empty for a follower
 */
public record RoleReply(boolean leader, String leaderName, long appliedIndex, List<Follower> followers) {

    /** A follower as its leader reports it. */
    public record Follower(String name, long appliedIndex) {
    }

    /** The reply parsed, or null if it is not a ROLE reply of a leader or follower (an error, a sentinel). */
    public static RoleReply parse(RespValue reply) {
        if (!(reply instanceof RespValue.Array array) || array.elements().isEmpty()) {
            return null;
        }
        List<RespValue> parts = array.elements();
        String role = text(parts.get(0));
        if ("master".equalsIgnoreCase(role)) {
            List<Follower> followers = new ArrayList<>();
            if (parts.size() > 2 && parts.get(2) instanceof RespValue.Array list) {
                for (RespValue entry : list.elements()) {
                    if (entry instanceof RespValue.Array follower && follower.elements().size() >= 2) {
                        List<RespValue> f = follower.elements();
                        followers.add(new Follower(text(f.get(0)) + ":" + text(f.get(1)),
                                f.size() > 2 ? number(f.get(2)) : -1));
                    }
                }
            }
            return new RoleReply(true, null, parts.size() > 1 ? number(parts.get(1)) : -1, List.copyOf(followers));
        }
        if ("slave".equalsIgnoreCase(role) && parts.size() >= 3) {
            String host = text(parts.get(1));
            String port = text(parts.get(2));
            String leader = host == null || host.isEmpty() || host.equals("?") || port == null || port.equals("0")
                    || port.equals("-1") ? null : host + ":" + port;
            return new RoleReply(false, leader, parts.size() > 4 ? number(parts.get(4)) : -1, List.of());
        }
        return null;
    }

    private static String text(RespValue value) {
        if (value instanceof RespValue.BulkString bulk) {
            return bulk.asString();
        }
        if (value instanceof RespValue.SimpleString simple) {
            return simple.value();
        }
        if (value instanceof RespValue.Integer integer) {
            return Long.toString(integer.value());
        }
        return null;
    }

    private static long number(RespValue value) {
        String text = text(value);
        try {
            return text == null ? -1 : Long.parseLong(text);
        }
        catch (NumberFormatException e) {
            return -1;
        }
    }
}
