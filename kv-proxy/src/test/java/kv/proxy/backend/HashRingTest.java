package kv.proxy.backend;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class HashRingTest {

    private static byte[] key(int i) {
        return ("key:" + i).getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void keysSpreadRoughlyEvenlyOverThreeNodes() {
        HashRing<String> ring = new HashRing<>(List.of("10.0.0.1:7379", "10.0.0.2:7379", "10.0.0.3:7379"));
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 30_000; i++) {
            counts.merge(ring.owner(key(i)), 1, Integer::sum);
        }
        assertThat(counts).hasSize(3);
        counts.values().forEach(count -> assertThat(count).isBetween(7_000, 13_000));
    }

    @Test
    void addingAFourthNodeMovesAboutAQuarterOfTheKeysAndOnlyToIt() {
        HashRing<String> three = new HashRing<>(List.of("a:1", "b:1", "c:1"));
        HashRing<String> four = new HashRing<>(List.of("a:1", "b:1", "c:1", "d:1"));
        int moved = 0;
        for (int i = 0; i < 20_000; i++) {
            String before = three.owner(key(i));
            String after = four.owner(key(i));
            if (!before.equals(after)) {
                moved++;
                assertThat(after).isEqualTo("d:1");
            }
        }
        assertThat(moved).isBetween(3_000, 7_000);
    }

    @Test
    void theOrderOfNodesDoesNotChangeOwnership() {
        HashRing<String> one = new HashRing<>(List.of("a:1", "b:1", "c:1"));
        HashRing<String> other = new HashRing<>(List.of("c:1", "a:1", "b:1"));
        for (int i = 0; i < 5_000; i++) {
            assertThat(one.owner(key(i))).isEqualTo(other.owner(key(i)));
        }
    }

    @Test
    void aSingleNodeOwnsEveryKey() {
        HashRing<String> ring = new HashRing<>(List.of("only:1"));
        assertThat(ring.owner(key(42))).isEqualTo("only:1");
    }
}
