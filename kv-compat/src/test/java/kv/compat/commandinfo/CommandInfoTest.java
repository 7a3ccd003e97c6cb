package kv.compat.commandinfo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import kv.compat.support.Reply;
import kv.compat.support.Target;
import kv.compat.support.WireConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * kv-server's and kv-proxy's {@code COMMAND INFO} against Redis's, for every command both know: arity, flags,
 * first key, last key and key step must be Redis's, so that clients, cluster-aware proxies and
 * tools that read them (redis-cli's hints, Lettuce's and redis-py's command tables, twemproxy-like
 * routers) treat kv's commands as Redis's. Subcommands kv describes are compared the same way.
 */
class CommandInfoTest {

    /** What may differ for a command, and why. */
    private record Intended(Set<String> fields, String reason) {
    }

    /** Intended differences, each with its reason; an unintended one is a bug to fix, not to list here. */
    private static final Map<String, Intended> INTENDED = Map.of(
            "dump", new Intended(Set.of("arity", "first key", "last key", "step"),
                    "kv's DUMP is the assignment's listing command (DUMP [pattern]: every pair, in key order), "
                            + "not Redis's serialiser of one key (DUMP key)"));

    /** Commands kv has and Redis has not, and why. */
    private static final Map<String, String> KV_ONLY = Map.of(
            "put", "the assignment's PUT key [=] value; SET is Redis's way to do the same",
            "backup", "kv's BGSAVE into a directory named by the client (a backup is a directory, not dump.rdb)",
            "raft", "cluster mode's membership and leadership (RAFT ADDNODE|REMOVENODE|TRANSFERLEADER|MEMBERS): a Raft "
                    + "group has no Redis counterpart (Redis Cluster's CLUSTER commands shard, they do not replicate by consensus)");

    /** Subcommands kv describes and Debian's Redis (7.0) does not, and why. */
    private static final Map<String, String> KV_ONLY_SUBCOMMANDS = Map.of(
            "client|kvsource", "kv's own: the shell asks to be told whether an answer came from kv-proxy's cache",
            "client|setinfo", "Redis 7.2's, which Debian's 7.0 predates; Jedis 5+ and Lettuce 6.3+ send it on connect");

    private static WireConnection redis;

    @BeforeAll
    static void connect() throws IOException {
        redis = new WireConnection(Target.REDIS.port());
    }

    @AfterAll
    static void disconnect() throws IOException {
        redis.close();
    }

    /** kv-proxy answers COMMAND INFO from the same table, for clients that ask it. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Target.class, names = {"KV_SERVER", "KV_PROXY"})
    void everyCommandBothKnowIsDescribedAsRedisDescribesIt(Target target) throws IOException {
        try (WireConnection kv = new WireConnection(target.port())) {
            List<String> differences = new ArrayList<>();
            int compared = 0;
            for (String name : commands(kv)) {
                Reply redisInfo = info(redis, name);
                if (redisInfo.isNull()) {
                    continue;
                }
                compared++;
                compare(name, info(kv, name), redisInfo, differences);
            }
            assertThat(compared).as("commands both know").isGreaterThan(10);
            assertThat(differences).as("%s's COMMAND INFO differences from Redis that are not listed as intended",
                    target).isEmpty();
        }
    }

    @Test
    void theCommandsOnlyKvHasAreTheListedOnes() throws IOException {
        try (WireConnection kv = new WireConnection(Target.KV_SERVER.port())) {
            Set<String> kvOnly = new TreeSet<>();
            for (String name : commands(kv)) {
                if (info(redis, name).isNull()) {
                    kvOnly.add(name);
                }
            }
            assertThat(kvOnly).as("commands Redis does not know").isEqualTo(new TreeSet<>(KV_ONLY.keySet()));
        }
    }

    @Test
    void anUnknownCommandIsDescribedAsNullAsRedisDoes() throws IOException {
        try (WireConnection kv = new WireConnection(Target.KV_SERVER.port())) {
            assertThat(kv.call("COMMAND", "INFO", "get", "nosuchcommand"))
                    .extracting(reply -> reply.elements().get(1))
                    .isEqualTo(redis.call("COMMAND", "INFO", "get", "nosuchcommand").elements().get(1));
        }
    }

    private static void compare(String name, Reply kvInfo, Reply redisInfo, List<String> differences) {
        Intended intended = INTENDED.getOrDefault(name, new Intended(Set.of(), ""));
        if (kvInfo.isNull() || kvInfo.elements().size() < 6) {
            differences.add(name + ": kv describes it as " + kvInfo);
            return;
        }
        List<Reply> kvFields = kvInfo.elements();
        List<Reply> redisFields = redisInfo.elements();
        field(name, "arity", kvFields.get(1).text(), redisFields.get(1).text(), intended, differences);
        field(name, "flags", flags(kvFields.get(2)), flags(redisFields.get(2)), intended, differences);
        field(name, "first key", kvFields.get(3).text(), redisFields.get(3).text(), intended, differences);
        field(name, "last key", kvFields.get(4).text(), redisFields.get(4).text(), intended, differences);
        field(name, "step", kvFields.get(5).text(), redisFields.get(5).text(), intended, differences);
        if (kvFields.size() >= 10 && kvFields.get(9).elements() != null) {
            for (Reply subcommand : kvFields.get(9).elements()) {
                String subname = subcommand.elements().get(0).text();
                Reply redisSubcommand = subcommand(redisFields, subname);
                if (redisSubcommand == null) {
                    if (!KV_ONLY_SUBCOMMANDS.containsKey(subname.toLowerCase())) {
                        differences.add(name + ": kv describes a subcommand Redis does not have: " + subname);
                    }
                }
                else if (KV_ONLY_SUBCOMMANDS.containsKey(subname.toLowerCase())) {
                    differences.add(subname + " is listed as kv's only, but Redis has it: take it off the list");
                }
                else {
                    compare(subname, subcommand, redisSubcommand, differences);
                }
            }
        }
    }

    private static Reply subcommand(List<Reply> fields, String name) {
        if (fields.size() < 10 || fields.get(9).elements() == null) {
            return null;
        }
        return fields.get(9).elements().stream().filter(sub -> sub.elements().get(0).text().equalsIgnoreCase(name))
                .findFirst().orElse(null);
    }

    private static void field(String name, String field, Object kvValue, Object redisValue, Intended intended,
                              List<String> differences) {
        if (!kvValue.equals(redisValue) && !intended.fields().contains(field)) {
            differences.add(String.format("%s: %s %s in kv, %s in Redis", name, field, kvValue, redisValue));
        }
        if (kvValue.equals(redisValue) && intended.fields().contains(field)) {
            differences.add(String.format("%s: %s is listed as an intended difference, but kv's equals Redis's (%s): "
                    + "take it off INTENDED", name, field, kvValue));
        }
    }

    private static Set<String> flags(Reply flags) {
        Set<String> names = new TreeSet<>();
        for (Reply flag : flags.elements()) {
            names.add(flag.text());
        }
        return names;
    }

    private static Set<String> commands(WireConnection kv) throws IOException {
        Reply list = kv.call("COMMAND", "LIST");
        assertThat(list.isError()).as("COMMAND LIST: %s", list).isFalse();
        Set<String> names = new TreeSet<>();
        for (Reply name : list.elements()) {
            names.add(name.text().toLowerCase());
        }
        return names;
    }

    private static Reply info(WireConnection connection, String name) throws IOException {
        Reply reply = connection.call("COMMAND", "INFO", name);
        assertThat(reply.isError()).as("COMMAND INFO %s: %s", name, reply).isFalse();
        return reply.elements().get(0);
    }
}
