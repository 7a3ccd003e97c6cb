package kv.proxy.ops;

import java.util.LinkedHashMap;
import java.util.Map;

import kv.proxy.backend.Backend;
import kv.proxy.coherence.InvalidationListener;
import kv.proxy.coherence.InvalidationListeners;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthContributors;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * {@code /actuator/health/backends}: one component per backend ({@code backends/127.0.0.1:7379},
 * or a group's {@code backends/a:1|b:2|c:3}), DOWN while it cannot be reached (a group: while it
 * has no leader), with whether its invalidations are subscribed (its keys are cached only then).
 * A group's also shows its leader and each member: up or down, role, applied index and lag
 * behind the leader, as the members' {@code ROLE} answers last said.
 */
@Component("backends")
class BackendsHealthIndicator implements CompositeHealthContributor {

    private final Map<String, HealthIndicator> indicators = new LinkedHashMap<>();

    BackendsHealthIndicator(InvalidationListeners listeners) {
        for (InvalidationListener listener : listeners.all()) {
            indicators.put(listener.backend().name(), () -> health(listener));
        }
    }

    private static Health health(InvalidationListener listener) {
        Backend backend = listener.backend();
        Health.Builder health = backend.isUp() ? Health.up() : Health.down();
        health.withDetail("tracking", listener.isTracking())
                .withDetail("cached", listener.isTracking() ? "yes" : "no: no invalidation stream")
                .withDetail("invalidationMessages", listener.invalidationsReceived())
                .withDetail("activeConnections", backend.activeConnections())
                .withDetail("idleConnections", backend.idleConnections());
        if (backend.replicated()) {
            kv.proxy.backend.GroupMember leader = backend.leader();
            health.withDetail("leader", leader == null ? "none (looking for it)" : leader.name());
            Map<String, Object> members = new LinkedHashMap<>();
            for (kv.proxy.backend.GroupMember member : backend.members()) {
                Map<String, Object> state = new LinkedHashMap<>();
                state.put("status", member.reachable() ? "UP" : "DOWN");
                state.put("role", member.role());
                state.put("appliedIndex", member.appliedIndex());
                state.put("lag", member.lag());
                members.put(member.name(), state);
            }
            health.withDetail("members", members);
        }
        if (backend.lastError() != null) {
            health.withDetail("error", backend.lastError());
        }
        if (backend.downSince() != null) {
            health.withDetail("downSince", backend.downSince().toString());
        }
        return health.build();
    }

    @Override
    public HealthContributor getContributor(String name) {
        return indicators.get(name);
    }

    @Override
    public java.util.stream.Stream<HealthContributors.Entry> stream() {
        return indicators.entrySet().stream().map(e -> new HealthContributors.Entry(e.getKey(), e.getValue()));
    }
}
