package kv.protocol.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import kv.protocol.resp.Replies;
import kv.protocol.resp.RespValue;
import kv.protocol.resp.Request;
import org.junit.jupiter.api.Test;

class RuntimeSettingsTest {

    private final AtomicLong maxLen = new AtomicLong(128);
    private final AtomicLong maxClients = new AtomicLong(10000);
    private final RuntimeSettings settings = new RuntimeSettings(List.of(
            RuntimeSetting.integer("slowlog-max-len", 0, Long.MAX_VALUE, maxLen::get, maxLen::set),
            RuntimeSetting.integer("maxclients", 1, 4294967295L, maxClients::get, maxClients::set)));
    private static final Set<String> KNOWN = Set.of("slowlog-max-len", "maxclients", "daemonize", "dir", "hz");

    private RespValue set(String... args) {
        String[] request = new String[args.length + 2];
        request[0] = "CONFIG";
        request[1] = "SET";
        System.arraycopy(args, 0, request, 2, args.length);
        return settings.set(Request.of(request), KNOWN);
    }

    @Test
    void severalParametersChangeTogether() {
        assertThat(set("slowlog-max-len", "5", "MAXCLIENTS", "20")).isEqualTo(Replies.OK);
        assertThat(maxLen.get()).isEqualTo(5);
        assertThat(maxClients.get()).isEqualTo(20);
    }

    @Test
    void oneBadValueChangesNothing() {
        assertThat(set("slowlog-max-len", "5", "maxclients", "0")).isEqualTo(Replies.error(
                "ERR CONFIG SET failed (possibly related to argument 'maxclients') - argument must be between 1 and "
                        + "4294967295 inclusive"));
        assertThat(maxLen.get()).isEqualTo(128);
    }

    @Test
    void redissErrorsForUnknownDuplicateImmutableProtectedAndUnparsableParameters() {
        assertThat(set("nope", "1")).isEqualTo(Replies.error("ERR Unknown option or number of arguments for CONFIG SET - 'nope'"));
        assertThat(set("maxclients", "1", "maxclients", "2")).isEqualTo(Replies.error(
                "ERR CONFIG SET failed (possibly related to argument 'maxclients') - duplicate parameter"));
        assertThat(set("daemonize", "yes")).isEqualTo(Replies.error(
                "ERR CONFIG SET failed (possibly related to argument 'daemonize') - can't set immutable config"));
        assertThat(set("dir", "/")).isEqualTo(Replies.error(
                "ERR CONFIG SET failed (possibly related to argument 'dir') - can't set protected config"));
        assertThat(set("maxclients", "1x")).isEqualTo(Replies.error(
                "ERR CONFIG SET failed (possibly related to argument 'maxclients') - argument couldn't be parsed into an integer"));
        assertThat(set("maxclients")).isEqualTo(Replies.error("ERR wrong number of arguments for 'config|set' command"));
    }

    @Test
    void aParameterRedisChangesButKvDoesNotSaysSo() {
        assertThat(((RespValue.Error) set("hz", "5")).message())
                .startsWith("ERR CONFIG SET failed (possibly related to argument 'hz') - kv does not change this parameter");
    }

    @Test
    void configGetShowsTheCurrentValues() {
        set("slowlog-max-len", "7");
        Map<String, String> values = new LinkedHashMap<>(Map.of("slowlog-max-len", "128"));
        settings.current(values);
        assertThat(values).containsEntry("slowlog-max-len", "7").containsEntry("maxclients", "10000");
    }

    @Test
    void memorySizesTakeRedissUnits() throws Exception {
        AtomicLong bytes = new AtomicLong();
        RuntimeSetting size = RuntimeSetting.memory("maxmemory", 1, bytes::get, bytes::set);
        size.prepare("10mb").run();
        assertThat(bytes.get()).isEqualTo(10L << 20);
        size.prepare("100k").run();
        assertThat(bytes.get()).isEqualTo(100_000);
    }
}
