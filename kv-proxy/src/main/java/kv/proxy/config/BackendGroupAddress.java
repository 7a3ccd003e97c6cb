package kv.proxy.config;

import java.util.ArrayList;
import java.util.List;

/**
 * One entry of {@code kv.proxy.backends}: the members of one replicated group, joined by
 * {@code |} ({@code 127.0.0.1:7379|127.0.0.1:7479|127.0.0.1:7579}), each written as a
 * {@link BackendAddress}. A plain {@code host:port} is a group of one: a single server, as before
 * groups existed. The hash ring spreads keys over groups; within a group the proxy talks to the
 * member that is the leader (see {@code kv.proxy.backend.Backend}).
 *
 * <p>Written back, as its name in errors, health and INFO, the members are joined by {@code |}
 * without their credentials.
 */
public record BackendGroupAddress(List<BackendAddress> members) {

    public BackendGroupAddress {
        if (members == null || members.isEmpty()) {
            throw new IllegalArgumentException("a backend group has at least one member");
        }
        members = List.copyOf(members);
        if (members.stream().map(BackendAddress::toString).distinct().count() != members.size()) {
            throw new IllegalArgumentException("a backend group names a member twice: " + join(members));
        }
    }

    /** Parses {@code member|member|...}; used by Spring's conversion when binding {@code kv.proxy.backends}. */
    public static BackendGroupAddress valueOf(String text) {
        List<BackendAddress> members = new ArrayList<>();
        for (String member : text.split("\\|", -1)) {
            if (member.isBlank()) {
                throw new IllegalArgumentException("a backend group is host:port|host:port|..., got '"
                        + safe(text) + "'");
            }
            members.add(BackendAddress.valueOf(member));
        }
        return new BackendGroupAddress(members);
    }

    /** A group of one member: a single server. */
    public boolean single() {
        return members.size() == 1;
    }

    /** This group, each member logging in with {@code user} and {@code password} unless it has credentials of its own. */
    public BackendGroupAddress withDefaultCredentials(String defaultUser, String defaultPassword) {
        return new BackendGroupAddress(members.stream()
                .map(member -> member.withDefaultCredentials(defaultUser, defaultPassword)).toList());
    }

    /** {@code host:port|host:port|...}, without the credentials. */
    @Override
    public String toString() {
        return join(members);
    }

    private static String join(List<BackendAddress> members) {
        return String.join("|", members.stream().map(BackendAddress::toString).toList());
    }

    /** The text without anything that might be a password (a URI's user info). */
    private static String safe(String text) {
        return text.replaceAll("//[^@/|]*@", "//******@");
    }
}
