package kv.proxy.ops;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import kv.protocol.dashboard.Reading;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The dashboard's replicated groups, read from the {@code backends} health component
 * ({@link BackendsHealthIndicator}): a backend whose health reports a {@code leader} is a group
 * (issue 17), and its {@code leader} and {@code members} details (host:port, role, lag) are shown.
 * No other detail is copied: an error message may say more than the open page should.
 */
final class GroupStates {

    private GroupStates() {
    }

    /** The groups among {@code backends}' components, or null if there are none. */
    static List<Reading.GroupState> of(HealthContributor backends) {
        if (!(backends instanceof CompositeHealthContributor composite)) {
            return null;
        }
        List<Reading.GroupState> states = new ArrayList<>();
        composite.stream().forEach(entry -> {
            if (entry.contributor() instanceof HealthIndicator indicator) {
                Health health = indicator.health(true);
                Map<String, Object> details = health.getDetails();
                if (details.containsKey("leader")) {
                    Map<String, Object> shown = new LinkedHashMap<>();
                    shown.put("leader", details.get("leader"));
                    if (details.containsKey("members")) {
                        shown.put("members", details.get("members"));
                    }
                    states.add(new Reading.GroupState(entry.name(), health.getStatus().getCode(), shown));
                }
            }
        });
        return states.isEmpty() ? null : states;
    }
}
