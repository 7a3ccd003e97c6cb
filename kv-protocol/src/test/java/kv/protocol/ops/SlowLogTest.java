package kv.protocol.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import kv.protocol.resp.Request;
import org.junit.jupiter.api.Test;

class SlowLogTest {

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    @Test
    void onlyCommandsAtLeastAsSlowAsTheThresholdAreLogged() {
        SlowLog log = new SlowLog(100, 10);
        log.record(Request.of("GET", "fast"), 99, "a:1", "");
        log.record(Request.of("GET", "slow"), 100, "a:1", "name");
        assertThat(log.length()).isEqualTo(1);
        SlowLog.Entry entry = log.entries(-1).get(0);
        assertThat(text(entry.args().get(1))).isEqualTo("slow");
        assertThat(entry.micros()).isEqualTo(100);
        assertThat(entry.name()).isEqualTo("name");
    }

    @Test
    void minusOneLogsNothingAndZeroLogsEverything() {
        SlowLog log = new SlowLog(-1, 10);
        log.record(Request.of("GET", "k"), Long.MAX_VALUE / 2, "a:1", "");
        assertThat(log.length()).isZero();
        log.slowerThanMicros(0);
        log.record(Request.of("GET", "k"), 0, "a:1", "");
        assertThat(log.length()).isEqualTo(1);
    }

    @Test
    void theNewestComeFirstAndTheOldestGoPastTheMaximumLength() {
        SlowLog log = new SlowLog(0, 3);
        for (int i = 0; i < 5; i++) {
            log.record(Request.of("GET", "k" + i), 1, "a:1", "");
        }
        List<SlowLog.Entry> entries = log.entries(-1);
        assertThat(entries).extracting(SlowLog.Entry::id).containsExactly(4L, 3L, 2L);
        assertThat(log.entries(2)).extracting(SlowLog.Entry::id).containsExactly(4L, 3L);
        log.maxLength(1);
        assertThat(log.entries(-1)).extracting(SlowLog.Entry::id).containsExactly(4L);
        log.reset();
        log.record(Request.of("GET", "k"), 1, "a:1", "");
        assertThat(log.entries(-1)).extracting(SlowLog.Entry::id).as("ids go on after RESET").containsExactly(5L);
    }

    @Test
    void argumentsAreCutAsRedisCutsThem() {
        List<String> args = new ArrayList<>(List.of("MSET"));
        for (int i = 0; i < 39; i++) {
            args.add(i == 1 ? "v".repeat(200) : "a" + i);
        }
        List<byte[]> logged = SlowLog.arguments(Request.of(args.toArray(String[]::new)));
        assertThat(logged).hasSize(32);
        assertThat(text(logged.get(2))).isEqualTo("v".repeat(128) + "... (72 more bytes)");
        assertThat(text(logged.get(31))).isEqualTo("... (9 more arguments)");
        assertThat(text(logged.get(30))).isEqualTo("a29");
    }

    @Test
    void exactlyThirtyTwoArgumentsAreAllKept() {
        String[] args = new String[32];
        java.util.Arrays.fill(args, "x");
        assertThat(SlowLog.arguments(Request.of(args))).hasSize(32).allMatch(arg -> text(arg).equals("x"));
    }

    @Test
    void authPasswordsAreRedacted() {
        assertThat(SlowLog.arguments(Request.of("AUTH", "u", "p"))).extracting(SlowLogTest::text)
                .containsExactly("AUTH", "(redacted)", "(redacted)");
    }
}
