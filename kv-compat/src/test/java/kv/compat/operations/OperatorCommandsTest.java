package kv.compat.operations;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import kv.compat.support.Reply;
import kv.compat.support.Target;
import kv.compat.support.WireConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The commands operators use (MONITOR, SLOWLOG, LATENCY, CONFIG SET, CLIENT LIST filters) on
 * kv-server and kv-proxy against Debian's redis-server: the same request on each, the same
 * reply, byte for byte, where nothing in it depends on the moment or the connection (times,
 * durations, ids and ports are masked and said so); and the real {@code redis-cli MONITOR} and
 * {@code redis-cli SLOWLOG GET} against both kv services.
 */
class OperatorCommandsTest {

    /** Requests answered alike by Redis and both kv services, whatever ran before. */
    private static final List<String[]> SAME_REPLIES = List.of(
            words("SLOWLOG HELP"), words("SLOWLOG LEN x"), words("SLOWLOG GET x"), words("SLOWLOG GET -2"),
            words("SLOWLOG GET 1 2"), words("SLOWLOG FOO"), words("SLOWLOG"),
            words("LATENCY LATEST x"), words("LATENCY HISTORY"), words("LATENCY FOO"),
            words("LATENCY HISTORY no-such-event"), words("LATENCY RESET no-such-event"),
            words("CONFIG HELP"), words("CONFIG HELP x"), words("CONFIG REWRITE x"),
            words("CONFIG SET nosuch 1"), words("CONFIG SET maxclients x"), words("CONFIG SET maxclients 0"),
            words("CONFIG SET maxclients 10 maxclients 11"), words("CONFIG SET maxclients 10 nosuch 1"),
            words("CONFIG SET slowlog-max-len -1"), words("CONFIG SET slowlog-log-slower-than -5"),
            words("CONFIG SET slowlog-log-slower-than 1.5"), words("CONFIG SET latency-monitor-threshold -1"),
            words("CONFIG SET databases 3"), words("CONFIG SET io-threads 2"), words("CONFIG SET maxclients"),
            words("CONFIG SET slowlog-max-len 5 maxclients x"), words("CONFIG GET slowlog-max-len"),
            words("CLIENT LIST TYPE x"), words("CLIENT LIST ID x"), words("CLIENT LIST FOO"),
            words("CLIENT LIST ID 99999999"), words("CLIENT LIST TYPE master"), words("CLIENT LIST TYPE replica"),
            words("MONITOR x"));

    /** Only kv-server has MEMORY (kv-proxy refuses it clearly: it would be one backend's figure). */
    private static final List<String[]> SAME_REPLIES_SERVER = List.of(
            words("MEMORY HELP x"), // MEMORY HELP itself lists only USAGE and HELP: a deliberate difference words("MEMORY USAGE"), words("MEMORY USAGE ops:nokey"),
            words("MEMORY USAGE ops:k SAMPLES -1"), words("MEMORY USAGE ops:k SAMPLES"),
            words("MEMORY USAGE ops:k SAMPLES x"), words("MEMORY USAGE ops:k FOO 1"), words("MEMORY FOO"));

    private static final Pattern MONITOR_PREFIX = Pattern.compile("^\\+\\d{10}\\.\\d{6} \\[(\\d+) 127\\.0\\.0\\.1:\\d+\\]");

    @AfterEach
    void restoreDefaults() throws IOException {
        for (Target target : Target.values()) {
            try (WireConnection admin = new WireConnection(target.port())) {
                admin.call("CONFIG", "SET", "slowlog-log-slower-than", "10000", "slowlog-max-len", "128",
                        "latency-monitor-threshold", "0");
                admin.call("SLOWLOG", "RESET");
                admin.call("LATENCY", "RESET");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Target.class, names = {"KV_SERVER", "KV_PROXY"})
    void errorsHelpAndEmptyAnswersAreRedissByteForByte(Target target) throws IOException {
        List<String[]> requests = new ArrayList<>(SAME_REPLIES);
        if (target == Target.KV_SERVER) {
            requests.addAll(SAME_REPLIES_SERVER);
        }
        try (WireConnection redis = new WireConnection(Target.REDIS.port());
             WireConnection kv = new WireConnection(target.port())) {
            redis.call("SET", "ops:k", "v");
            kv.call("SET", "ops:k", "v");
            for (String[] request : requests) {
                Reply expected = redis.call(request);
                assertThat(kv.call(request)).as("%s: %s", target, String.join(" ", request)).isEqualTo(expected);
            }
        }
    }

    /** A deliberate difference: kv's LATENCY HELP lists only the subcommands kv has (no DOCTOR, GRAPH, HISTOGRAM). */
    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Target.class, names = {"KV_SERVER", "KV_PROXY"})
    void latencyHelpListsTheSubcommandsKvHas(Target target) throws IOException {
        try (WireConnection kv = new WireConnection(target.port())) {
            List<String> lines = kv.call("LATENCY", "HELP").elements().stream().map(Reply::text).toList();
            assertThat(lines).contains("LATEST", "HISTORY <event>", "RESET [<event> ...]", "HELP")
                    .doesNotContain("DOCTOR", "GRAPH <event>");
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Target.class, names = {"KV_SERVER", "KV_PROXY"})
    void configRewriteSaysThereIsNoFileAndThatChangesLastUntilRestart(Target target) throws IOException {
        try (WireConnection kv = new WireConnection(target.port())) {
            Reply reply = kv.call("CONFIG", "REWRITE");
            assertThat(reply.isError()).isTrue();
            assertThat(reply.text()).startsWith("ERR The server is running without a config file")
                    .contains("CONFIG SET lasts until restart");
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Target.class, names = {"KV_SERVER", "KV_PROXY"})
    void configSetChangesSeveralParametersAtOnceAndConfigGetShowsThem(Target target) throws IOException {
        try (WireConnection kv = new WireConnection(target.port())) {
            assertThat(kv.call("CONFIG", "SET", "slowlog-max-len", "7", "latency-monitor-threshold", "5",
                    "slowlog-log-slower-than", "-1").text()).isEqualTo("OK");
            assertThat(kv.call("CONFIG", "GET", "slowlog-max-len").elements().get(1).text()).isEqualTo("7");
            assertThat(kv.call("CONFIG", "GET", "latency-monitor-threshold").elements().get(1).text()).isEqualTo("5");
            assertThat(kv.call("CONFIG", "SET", "slowlog-max-len", "9", "maxclients", "0").isError()).isTrue();
            assertThat(kv.call("CONFIG", "GET", "slowlog-max-len").elements().get(1).text())
                    .as("nothing changed by a refused CONFIG SET").isEqualTo("7");
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Target.class, names = {"KV_SERVER", "KV_PROXY"})
    void slowlogEntriesHaveRedissShapeArgumentsAndClientName(Target target) throws IOException {
        List<String> expected = slowlogEntry(Target.REDIS);
        assertThat(slowlogEntry(target)).as("%s SLOWLOG GET 1, masked", target).isEqualTo(expected);
    }

    /** SLOWLOG GET 1 after a 40-argument MSET with a 200-byte value: id, time, duration and port masked. */
    private static List<String> slowlogEntry(Target target) throws IOException {
        try (WireConnection client = new WireConnection(target.port())) {
            client.call("CLIENT", "SETNAME", "ops-test");
            client.call("CONFIG", "SET", "slowlog-log-slower-than", "0");
            client.call("SLOWLOG", "RESET");
            List<String> mset = new ArrayList<>(List.of("MSET"));
            for (int i = 0; i < 20; i++) {
                mset.add("{ops}k" + i);
                mset.add(i == 0 ? "v".repeat(200) : "v" + i);
            }
            assertThat(client.call(mset.toArray(String[]::new)).text()).isEqualTo("OK");
            Reply entries = client.call("SLOWLOG", "GET", "1");
            assertThat(entries.elements()).hasSize(1);
            List<Reply> entry = entries.elements().get(0).elements();
            assertThat(entry).hasSize(6);
            List<String> masked = new ArrayList<>();
            masked.add("id:" + entry.get(0).type() + " time:" + entry.get(1).type() + " micros:" + entry.get(2).type());
            entry.get(3).elements().forEach(arg -> masked.add(arg.text()));
            masked.add(entry.get(4).text().replaceAll(":\\d+$", ":PORT"));
            masked.add(entry.get(5).text());
            assertThat(client.call("SLOWLOG", "LEN").integer()).isGreaterThanOrEqualTo(2); // the GET itself too
            return masked;
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Target.class, names = {"KV_SERVER", "KV_PROXY"})
    void monitorShowsCommandsAsRedisShowsThem(Target target) throws IOException {
        List<String> redis = monitored(Target.REDIS);
        List<String> kv = monitored(target);
        if (target == Target.KV_PROXY) {
            // The proxy shows what it receives: a script's redis.call runs on the backend, whose own
            // MONITOR shows it; and a command as it arrives, so SELECT shows the database it leaves.
            redis.removeIf(line -> line.contains("[0 lua]"));
            redis.replaceAll(line -> line.replace("[1 CLIENT] \"SELECT\"", "[0 CLIENT] \"SELECT\""));
        }
        assertThat(kv).isEqualTo(redis);
    }

    /** What a MONITOR sees of one client's session, times and ports masked, up to a closing PING. */
    private static List<String> monitored(Target target) throws IOException {
        try (WireConnection monitor = new WireConnection(target.port());
             WireConnection client = new WireConnection(target.port())) {
            assertThat(monitor.call("MONITOR").text()).isEqualTo("OK");
            assertThat(monitor.call("GET", "x").text()).as("a monitor may not read keys")
                    .isEqualTo("ERR Replica can't interact with the keyspace");
            client.call("SET", "ops:m", "a \"b\"\n\u0001");
            client.call("AUTH", "nopassword");
            client.call("HELLO", "2", "AUTH", "default", "wrong");
            client.call("CONFIG", "GET", "maxclients"); // admin: not shown
            client.call("MULTI");
            client.call("INCR", "ops:n");
            client.call("GET", "ops:m");
            client.call("EXEC");
            client.call("EVAL", "redis.call('set', KEYS[1], 'x'); return redis.call('get', KEYS[1])", "1", "ops:e");
            client.call("SELECT", "1");
            client.call("PING", "end");
            List<String> lines = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                String line = monitor.read().text();
                lines.add(MONITOR_PREFIX.matcher("+" + line).replaceFirst("+TIME [$1 CLIENT]")
                        .replaceFirst("^\\+\\d{10}\\.\\d{6} ", "+TIME ")); // a script's lines: [0 lua]
                if (line.endsWith("\"PING\" \"end\"")) {
                    break;
                }
            }
            client.call("SELECT", "0");
            return lines;
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Target.class, names = {"KV_SERVER", "KV_PROXY"})
    void latencyLatestShowsASpikeOverTheThreshold(Target target) throws IOException {
        try (WireConnection client = new WireConnection(target.port())) {
            client.call("CONFIG", "SET", "latency-monitor-threshold", "1");
            // A script that counts for a while: well over 1 ms on any machine.
            client.call("EVAL", "local i = 0 while i < 3000000 do i = i + 1 end return i", "0");
            Reply latest = client.call("LATENCY", "LATEST");
            assertThat(latest.elements()).isNotEmpty();
            List<Reply> row = latest.elements().stream().filter(r -> r.elements().get(0).text().equals("command"))
                    .findFirst().orElseThrow().elements();
            assertThat(row).hasSize(4);
            assertThat(row.get(2).integer()).isGreaterThanOrEqualTo(1);
            assertThat(row.get(3).integer()).isGreaterThanOrEqualTo(row.get(2).integer());
            Reply history = client.call("LATENCY", "HISTORY", "command");
            assertThat(history.elements()).isNotEmpty().allMatch(sample -> sample.elements().size() == 2);
            assertThat(client.call("LATENCY", "RESET").integer()).isGreaterThanOrEqualTo(1);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Target.class, names = {"KV_SERVER", "KV_PROXY"})
    void clientListFiltersByTypeAndId(Target target) throws IOException {
        try (WireConnection subscriber = new WireConnection(target.port());
             WireConnection client = new WireConnection(target.port())) {
            subscriber.call("SUBSCRIBE", "ops-channel");
            long subscriberId = clientId(client, "pubsub");
            assertThat(client.call("CLIENT", "LIST", "TYPE", "normal").text()).doesNotContain("id=" + subscriberId + " ");
            long self = client.call("CLIENT", "ID").integer();
            String byId = client.call("CLIENT", "LIST", "ID", Long.toString(self), "99999999",
                    Long.toString(subscriberId)).text();
            assertThat(byId.lines().map(line -> line.substring(0, line.indexOf(' '))).toList())
                    .as("in the order asked, a missing id left out").containsExactly("id=" + self, "id=" + subscriberId);
        }
    }

    /** The id of the one client of {@code type} (CLIENT LIST TYPE), waiting for it to appear. */
    private static long clientId(WireConnection client, String type) throws IOException {
        for (int i = 0; i < 100; i++) {
            String list = client.call("CLIENT", "LIST", "TYPE", type).text();
            if (!list.isEmpty()) {
                assertThat(list.lines().count()).isEqualTo(1);
                return Long.parseLong(list.substring(3, list.indexOf(' ')));
            }
        }
        throw new AssertionError("no " + type + " client listed");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Target.class, names = {"KV_SERVER", "KV_PROXY"})
    void redisCliMonitorAndSlowlogGetWorkAgainstKv(Target target) throws Exception {
        Process monitor = new ProcessBuilder("redis-cli", "-p", Integer.toString(target.port()), "MONITOR")
                .redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(monitor.getInputStream(), StandardCharsets.UTF_8));
             WireConnection client = new WireConnection(target.port())) {
            assertThat(out.readLine()).isEqualTo("OK");
            client.call("CONFIG", "SET", "slowlog-log-slower-than", "0");
            client.call("SET", "ops:cli", "seen by redis-cli");
            String line = out.readLine();
            for (int i = 0; i < 20 && line != null && !line.contains("ops:cli"); i++) {
                line = out.readLine();
            }
            assertThat(line).matches("\\d{10}\\.\\d{6} \\[0 127\\.0\\.0\\.1:\\d+\\] \"SET\" \"ops:cli\" \"seen by redis-cli\"");
        }
        finally {
            monitor.destroy();
            monitor.waitFor(10, TimeUnit.SECONDS);
        }
        Process slowlog = new ProcessBuilder("redis-cli", "-p", Integer.toString(target.port()), "SLOWLOG", "GET", "3")
                .redirectErrorStream(true).start();
        String printed = new String(slowlog.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(slowlog.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(printed).contains("ops:cli\nseen by redis-cli\n127.0.0.1:");
    }

    private static String[] words(String line) {
        return line.split(" ");
    }
}
