package kv.compat.differential;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import kv.compat.support.Reply;
import kv.compat.support.Target;
import kv.compat.support.WireConnection;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code HELLO 3}, which Lettuce and redis-py 5 send first and read features from: the same
 * fields as Redis's, in RESP3 types, with Redis's values where they describe the protocol.
 */
class HelloTest {

    /** Fields whose values may differ, and why. */
    private static final Map<String, String> OWN_VALUES = Map.of(
            "server", "the server's name: kv's services say \"kv\"",
            "version", "kv names the Redis version whose replies it follows (7.0.0), not Debian's build (7.0.15)",
            "id", "a connection id, different on every server");

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Target.class, names = {"KV_SERVER", "KV_PROXY"})
    void helloThreeAnswersWithRedissFields(Target target) throws IOException {
        Map<String, Reply> redis = hello(Target.REDIS);
        Map<String, Reply> kv = hello(target);
        assertThat(kv.keySet()).as("HELLO 3 fields").containsExactlyElementsOf(redis.keySet());
        for (Map.Entry<String, Reply> field : redis.entrySet()) {
            Reply kvValue = kv.get(field.getKey());
            assertThat(kvValue.type()).as("RESP3 type of %s", field.getKey()).isEqualTo(field.getValue().type());
            if (!OWN_VALUES.containsKey(field.getKey())) {
                assertThat(kvValue).as("HELLO 3 %s", field.getKey()).isEqualTo(field.getValue());
            }
        }
        assertThat(OWN_VALUES.keySet()).as("fields allowed to differ are Redis's")
                .isSubsetOf(Set.copyOf(redis.keySet()));
    }

    private static Map<String, Reply> hello(Target target) throws IOException {
        try (WireConnection connection = new WireConnection(target.port())) {
            Reply reply = connection.call("HELLO", "3");
            assertThat(reply.type()).as("%s HELLO 3: %s", target, reply).isEqualTo('%');
            Map<String, Reply> fields = new LinkedHashMap<>();
            List<Reply> elements = reply.elements();
            for (int i = 0; i + 1 < elements.size(); i += 2) {
                fields.put(elements.get(i).text(), elements.get(i + 1));
            }
            return fields;
        }
    }
}
