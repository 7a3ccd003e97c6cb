package kv.proxy.ops;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import kv.protocol.dashboard.Reading;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

import static org.assertj.core.api.Assertions.assertThat;

class GroupStatesTest {

    @Test
    void singleBackendsAreNoGroups() {
        HealthIndicator single = () -> Health.up().withDetail("tracking", true).build();
        assertThat(GroupStates.of(CompositeHealthContributor.fromMap(Map.of("127.0.0.1:7379", single)))).isNull();
        assertThat(GroupStates.of(null)).isNull();
    }

    @Test
    void aGroupShowsItsLeaderAndMembersAndNoOtherDetail() {
        Map<String, Object> members = new LinkedHashMap<>();
        members.put("a:1", Map.of("status", "UP", "role", "leader", "lag", 0));
        members.put("b:2", Map.of("status", "DOWN", "role", "unknown", "lag", -1));
        HealthIndicator group = () -> Health.up().withDetail("leader", "a:1").withDetail("members", members)
                .withDetail("error", "AUTH failed for user alice").build();
        HealthIndicator single = () -> Health.down().withDetail("error", "refused").build();
        Map<String, HealthIndicator> backends = new LinkedHashMap<>();
        backends.put("a:1|b:2", group);
        backends.put("c:3", single);

        List<Reading.GroupState> groups = GroupStates.of(CompositeHealthContributor.fromMap(backends));

        assertThat(groups).containsExactly(
                new Reading.GroupState("a:1|b:2", "UP", Map.of("leader", "a:1", "members", members)));
        assertThat(groups.get(0).details()).doesNotContainKey("error");
    }
}
