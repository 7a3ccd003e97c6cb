package kv.compat.differential;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import kv.compat.differential.DifferentialRun.Endpoint;
import kv.compat.differential.DifferentialRun.Tally;
import kv.compat.support.Services;
import kv.compat.support.Target;
import kv.proxy.testing.RedisServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The same seeded random command stream sent to Redis, to kv-server, to kv-proxy (in front of
 * another kv-server) and to a kv-proxy in front of another Redis, every reply compared. A failure
 * names the seed and the operation; rerun with {@code -Dkv.compat.seed=<seed>} (and
 * {@code -Dkv.compat.operations=<n>} for a longer run) to replay it.
 */
class DifferentialTest {

    /**
     * The commands kv is judged on, by {@link CommandGenerator}'s names ({@link CommandGenerator#all()}
     * lists them all). Each generator also sends its command with a wrong argument count now and
     * then. Add a command here as soon as kv has it; until then its generator runs against Redis only.
     * Since issue 13 this is every generator: kv has every string-and-expiry command it generates.
     * Scripts (EVAL and EVALSHA of {@link CommandGenerator}'s scripts, pipelined too) are judged on
     * kv-server and through kv-proxy since issue 14; transactions are added for kv-server alone
     * ({@link #TRANSACTIONS}).
     */
    static final Set<String> KV_COMMANDS = Set.of(
            "SET", "SET EX|PX|EXAT|PXAT|KEEPTTL", "GET", "MGET", "MSET", "MSETNX", "DEL", "UNLINK", "EXISTS",
            "SETEX", "PSETEX", "GETEX", "GETDEL", "GETSET", "SETNX",
            "EXPIRE", "PEXPIRE", "EXPIREAT", "PEXPIREAT", "TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME", "PERSIST",
            "INCR", "DECR", "INCRBY", "DECRBY", "INCRBYFLOAT", "APPEND", "STRLEN", "GETRANGE", "SETRANGE",
            "TYPE", "RENAME", "RENAMENX", "COPY", "TOUCH", "DBSIZE", "SELECT", "KEYS", "SCAN",
            "PING", "ECHO", "FLUSHDB", "UNKNOWN",
            "HSET", "HMSET", "HSETNX", "HGET", "HMGET", "HDEL", "HEXISTS", "HLEN", "HSTRLEN", "HINCRBY", "HINCRBYFLOAT",
            "HGETALL", "HKEYS", "HVALS", "HRANDFIELD", "HSCAN",
            "EVAL", "EVALSHA");

    /**
     * kv's intended differences from Redis 7.0 that no reply of this judge shows, each with where
     * the judge stands and why kv differs (the reply-level ones are {@link ReplyComparator#NORMALISATIONS}).
     * Printed at the start of a run.
     */
    static final Map<String, String> KNOWN_DIFFERENCES = Map.of(
            "SET with an EXAT or PXAT already past",
            "kv-server deletes the key in the write itself; Redis 7.0 stores it and counts it in DBSIZE, KEYS "
                    + "and SCAN until a read or its active expiry deletes it. Every read answers 'no key' on "
                    + "both, so the generator reads such a key at once (CommandGenerator.setWithExpiry). kv's "
                    + "one write path keeps no key it already knows to be dead.",
            "a read of an expired key",
            "answers 'no key' at once on kv too, but kv deletes the key in its expiry cycle, not in the read. "
                    + "No key expires during a run (TTLs of 100 s and more), so the judge cannot see it.",
            "the order of a hash's fields (HGETALL, HKEYS, HVALS, HSCAN, HRANDFIELD with a count beyond its size)",
            "kv answers in field (byte) order, the order RocksDB keeps one key per field in; Redis in insertion "
                    + "order for a small (listpack) hash and in its hash table's order for a large one. The judge "
                    + "compares these replies as sets (of pairs): the same pairs, another order.",
            "RENAME, COPY, MSETNX across backends",
            "refused by kv-proxy when the keys live on different backends (no atomic cross-backend write). "
                    + "The judge's proxies have one backend each, where they are forwarded.");

    /**
     * {@link #KV_COMMANDS}, with the commands named in {@code -Dkv.compat.enable=INCR,DECR} added and
     * those in {@code -Dkv.compat.disable=...} removed: to try a command kv has just gained, or to
     * look past a known difference.
     */
    static Set<String> kvCommands() {
        Set<String> commands = new java.util.TreeSet<>(KV_COMMANDS);
        commands.addAll(listProperty("kv.compat.enable"));
        commands.removeAll(listProperty("kv.compat.disable"));
        return commands;
    }

    private static List<String> listProperty(String name) {
        String value = System.getProperty(name, "");
        return value.isBlank() ? List.of() : List.of(value.split(","));
    }

    private static final long SEED = Long.getLong("kv.compat.seed", System.nanoTime());
    private static final int OPERATIONS = Integer.getInteger("kv.compat.operations", 5000);
    /** The most requests sent before reading their replies, when pipelining. */
    private static final int PIPELINE_DEPTH = 32;
    /** Each test runs its own stream, seeded from {@link #SEED}; this one property replays them all. */
    private static final String REPLAY = "replay with -Dkv.compat.seed=" + SEED;

    private static Path work;
    private static RedisServerProcess secondRedis;

    @BeforeAll
    static void startSecondRedis() throws IOException {
        Files.createDirectories(Path.of("target"));
        work = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "differential-");
        secondRedis = RedisServerProcess.start(work);
        System.out.println("differential seed " + SEED + " (replay with -Dkv.compat.seed=" + SEED + ")");
        KNOWN_DIFFERENCES.forEach((what, why) -> System.out.println("known difference, not judged: " + what + ": " + why));
    }

    @AfterAll
    static void stopSecondRedis() throws InterruptedException {
        if (secondRedis != null) {
            secondRedis.close();
        }
    }

    @Test
    void kvServerAndKvProxyAnswerEveryOperationAsRedisDoes() throws IOException {
        judgedRun(2).run(SEED, OPERATIONS, kvCommands(), REPLAY);
    }

    /**
     * Transactions (the MULTI generator: MULTI, queued commands, refused ones, a nested MULTI or
     * WATCH, EXEC or DISCARD) and WATCH races (WATCH, a second connection's writes, MULTI ... EXEC)
     * on kv-server, kv-proxy and kv-proxy in front of Redis, in RESP2, RESP3 and pipelined, among
     * every command of {@link #KV_COMMANDS} (scripts too, inside transactions as well).
     */
    @Test
    void kvServerAndKvProxyAnswerTransactionsAsRedisDoes() throws IOException {
        Set<String> commands = new java.util.TreeSet<>(kvCommands());
        commands.addAll(TRANSACTIONS);
        commands.removeAll(java.util.Arrays.asList(System.getProperty("kv.compat.disable", "").split(",")));
        for (int protocol = 2; protocol <= 3; protocol++) {
            Set<String> inProtocol = new java.util.TreeSet<>(commands);
            if (protocol == 3) {
                inProtocol.removeAll(RESP3_SHAPED_THROUGH_PROXY_PENDING);
            }
            judgedRun(protocol).run(SEED + 6 + protocol, OPERATIONS / 2, inProtocol, REPLAY);
        }
        judgedRun(2, PIPELINE_DEPTH).run(SEED + 10, OPERATIONS / 2, commands, REPLAY);
    }

    /**
     * Operator commands judged on kv-server alone, in RESP2 and pipelined: ROLE (a single
     * server), SLOWLOG RESET and LEN, CONFIG SET and GET of the slowlog settings. kv-proxy answers
     * ROLE and SLOWLOG for itself, not as one Redis would, so it is not judged here. Not judged:
     * LASTSAVE (a time: each server's own start or last save, never the same two servers) and
     * BGSAVE (+Background saving started, or an error while one is in progress: the reply depends
     * on when the previous save finished, on Redis as on kv).
     */
    static final Set<String> OPERATOR_COMMANDS = Set.of("ROLE", "SLOWLOG RESET|LEN", "CONFIG SET|GET slowlog");

    @Test
    void kvServerAnswersOperatorCommandsAsRedisDoes() throws IOException {
        // The operator commands among a few of the keyspace's (the whole table is judged above):
        // short, as the suite's time is.
        Set<String> commands = new java.util.TreeSet<>(OPERATOR_COMMANDS);
        for (String keyCommand : List.of("SET", "GET", "DEL", "INCR")) {
            if (kvCommands().contains(keyCommand)) {
                commands.add(keyCommand);
            }
        }
        Endpoint redis = new Endpoint(Target.REDIS.label(), Target.REDIS.port());
        List<Endpoint> kvServer = List.of(new Endpoint(Target.KV_SERVER.label(), Target.KV_SERVER.port()));
        new DifferentialRun(redis, kvServer, 2, 1).run(SEED + 11, OPERATIONS / 10, commands, REPLAY);
        new DifferentialRun(redis, kvServer, 2, PIPELINE_DEPTH).run(SEED + 12, OPERATIONS / 10, commands, REPLAY);
    }

    /** Transactions' generators, judged on every target by the test above. */
    /*
     * Fixed (issue 14): scripts made kv-server differ from Redis at a different operation each run
     * of the pipelined stream (a GET answering a value from before a script, a script's INCR or
     * TYPE not finding a key). The requests pipelined after an EVAL ran at once on the event loop
     * while the script ran on the script thread; now they wait for its reply (RespEndpoint's
     * dispatchAll, kv-server's PipelinedScriptTest).
     */
    static final Set<String> TRANSACTIONS = Set.of("MULTI", "WATCH");

    @Test
    void kvServerAndKvProxyAnswerAsRedisDoesInResp3() throws IOException {
        // RESP3 types: nulls are "_", not "$-1" or "*-1"; INCRBYFLOAT stays a bulk string, not a double.
        Set<String> commands = new java.util.TreeSet<>(kvCommands());
        commands.removeAll(RESP3_SHAPED_THROUGH_PROXY_PENDING);
        judgedRun(3).run(SEED + 1, OPERATIONS / 4, commands, REPLAY);
    }

    /**
     * Replies whose RESP3 shape is the command's (HGETALL a map, HRANDFIELD WITHVALUES nested
     * pairs): kv-server answers them as Redis does (judged below), but kv-proxy's backend
     * connections speak RESP2 and it relays the flat array. Pending in kv-proxy (issue 14's proxy
     * part); take them out of here when it converts them.
     */
    static final Set<String> RESP3_SHAPED_THROUGH_PROXY_PENDING = Set.of("HGETALL", "HRANDFIELD");

    @Test
    void kvServerAnswersHashesAsRedisDoesInResp3() throws IOException {
        new DifferentialRun(new Endpoint(Target.REDIS.label(), Target.REDIS.port()),
                List.of(new Endpoint(Target.KV_SERVER.label(), Target.KV_SERVER.port())), 3, 1)
                .run(SEED + 5, OPERATIONS / 4, kvCommands(), REPLAY);
    }

    @Test
    void kvServerAndKvProxyAnswerAsRedisDoesWhenPipelined() throws IOException {
        judgedRun(2, PIPELINE_DEPTH).run(SEED + 4, OPERATIONS / 2, kvCommands(), REPLAY);
    }

    @Test
    void everyCombinationOfSetOptionsIsAnsweredAsRedisAnswersIt() throws IOException {
        judgedRun(2).run(SetCombinations.operations(kvCommands()), "SetCombinations, " + kvCommands().size()
                + " commands enabled");
    }

    /**
     * The judge itself, with every generator on: two Redis servers must never differ (tolerances,
     * SCAN and KEYS as sets), every generator's commands must be ones Redis knows and sometimes
     * accepts, and its wrong argument counts must be exactly the ones Redis calls wrong. Only then
     * is a difference the judge reports kv's.
     */
    @Test
    void everyGeneratorIsRightAboutRedisAndTwoRedisServersNeverDiffer() throws IOException {
        Endpoint redis = new Endpoint(Target.REDIS.label(), Target.REDIS.port());
        Endpoint other = new Endpoint("second redis", secondRedis.port());
        Set<String> all = CommandGenerator.all();
        Map<String, Tally> tallies =
                new DifferentialRun(redis, List.of(other), 2).run(SEED + 2, OPERATIONS, all, REPLAY);
        new DifferentialRun(redis, List.of(other), 3).run(SEED + 3, OPERATIONS / 4, all, REPLAY);
        new DifferentialRun(redis, List.of(other), 2, PIPELINE_DEPTH).run(SEED + 5, OPERATIONS, all, REPLAY);
        List<Operation> combinations = SetCombinations.operations(all);
        assertThat(combinations).as("SET option combinations with everything enabled").hasSizeGreaterThan(1000);
        new DifferentialRun(redis, List.of(other), 2).run(combinations, "SetCombinations, all enabled");

        List<String> problems = new ArrayList<>();
        for (String command : all) {
            Tally tally = tallies.get(command);
            if (tally == null) {
                problems.add(command + ": never generated in " + OPERATIONS + " operations");
                continue;
            }
            boolean unknown = command.equals("UNKNOWN");
            if (!unknown && tally.errors == tally.sent) {
                problems.add(command + ": Redis refused all " + tally.sent + " requests: " + tally.errorTexts);
            }
            if (!unknown && tally.errorTexts.stream().anyMatch(text -> text.startsWith("ERR unknown command"))) {
                problems.add(command + ": Redis does not know it: " + tally.errorTexts);
            }
            if (unknown && tally.errors != tally.sent) {
                problems.add(command + ": Redis accepted a command meant to be unknown");
            }
            if (!tally.arityMismatches.isEmpty()) {
                problems.add(command + ": the generator's idea of a wrong argument count is not Redis's: "
                        + tally.arityMismatches);
            }
        }
        tallies.forEach((command, tally) -> System.out.printf("%-28s sent %5d, refused %4d (arity %3d): %s%n",
                command, tally.sent, tally.errors, tally.arityErrors, tally.errorTexts));
        assertThat(problems).as("generators checked against Redis (%s)", REPLAY).isEmpty();
    }

    private static DifferentialRun judgedRun(int protocol) {
        return judgedRun(protocol, 1);
    }

    /**
     * Judged against Redis: kv-server, kv-proxy and kv-proxy in front of Redis, or only those named
     * in {@code -Dkv.compat.judged=kv-server,...} (to see one service's results while another lacks a command).
     */
    private static DifferentialRun judgedRun(int protocol, int pipelineDepth) {
        List<String> only = listProperty("kv.compat.judged");
        List<Endpoint> judged = new ArrayList<>(List.of(new Endpoint(Target.KV_SERVER.label(), Target.KV_SERVER.port()),
                new Endpoint(Target.KV_PROXY.label(), Target.KV_PROXY.port()),
                new Endpoint("kv-proxy(redis)", Services.get().proxyOverRedisPort())));
        if (!only.isEmpty()) {
            judged.removeIf(endpoint -> !only.contains(endpoint.label()));
            System.out.println("judged this run: " + only + " only");
        }
        return new DifferentialRun(new Endpoint(Target.REDIS.label(), Target.REDIS.port()), judged,
                protocol, pipelineDepth);
    }
}
