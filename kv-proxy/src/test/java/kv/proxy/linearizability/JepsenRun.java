package kv.proxy.linearizability;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

import kv.protocol.resp.RespValue;
import kv.proxy.testing.RespClient;
import kv.proxy.testing.TestGroup;

/**
 * A Jepsen-style run against one replicated group with kv-proxy in front: concurrent clients
 * record every operation in a {@link History} while a nemesis kills -9 the leader, kills a
 * follower and pauses a member with SIGSTOP, restarting or resuming each; afterwards the group
 * is healed, every acknowledged write of a unique key is looked for on every member, and the
 * history is checked by the {@link LinearizabilityChecker}.
 *
 * <p>Which client touches which key, and why: clients through the proxy read and write the
 * {@code p*} keys, clients straight to members (a member at random, re-chosen on every new
 * connection) read every key and write the {@code d*} keys. The proxy's cache is coherent for
 * writes through the proxy itself (a write's key is withdrawn before it is sent, and read
 * through until its reply is in) but not linearizable for writes made elsewhere (the invalidation delay, see kv-proxy's README),
 * so a proxy client never reads a {@code d*} key: that window is by design, not a finding.
 * {@code ReplicatedGroupThroughTheProxyTest} tests the cache across a leader change instead.
 *
 * <p>Outcomes: a reply is OK; {@code -READONLY} (a follower refused) and a refused connection
 * (never sent) are FAIL; any other error, a timeout or a lost connection is INFO: the write may
 * or may not have been applied.
 */
public final class JepsenRun {

    /** How long, how many, how hard. */
    public record Settings(long workloadMillis, int proxyClients, int directClients, int keys,
                           int minLeaderKills, long seed) {
    }

    /** What a run saw. */
    public record Report(List<Operation> history, LinearizabilityChecker.Result check, int leaderKills,
                         int followerKills, int pauses, List<Long> failoverMillis, int acknowledgedUniqueWrites,
                         List<String> missing, long ok, long failed, long info) {

        /** One line for a log or a results file. */
        public String summary() {
            List<Long> sorted = new ArrayList<>(failoverMillis);
            Collections.sort(sorted);
            String failover = sorted.isEmpty() ? "none"
                    : "median " + sorted.get(sorted.size() / 2) + " ms, max " + sorted.get(sorted.size() - 1) + " ms";
            return "operations=" + history.size() + " (ok " + ok + ", fail " + failed + ", info " + info + ")"
                    + ", leader kills=" + leaderKills + ", follower kills=" + followerKills + ", pauses=" + pauses
                    + ", failover (kill to first write through the proxy): " + failover
                    + ", acknowledged unique writes=" + acknowledgedUniqueWrites + ", missing on some member="
                    + missing.size() + ", checker=" + check.verdict() + " " + check.explanation();
        }
    }

    private final TestGroup group;
    private final int proxyPort;
    private final Settings settings;
    private final History history = new History();
    private final ConcurrentLinkedQueue<String> acknowledged = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    /**
     * Operations on the register keys so far, by every client: every {@link #OPS_PER_KEY_GENERATION}
     * of them the workload moves to fresh keys, as Jepsen's {@code independent} does, so that each
     * key's history stays short enough to check. An operation of unknown outcome stays open until
     * the end of its key's history; a whole run's worth of them on three keys (a 20-kill run
     * leaves over a hundred thousand) made the search exceed its bound.
     */
    private final java.util.concurrent.atomic.AtomicLong registerOps = new java.util.concurrent.atomic.AtomicLong();
    private static final long OPS_PER_KEY_GENERATION = 600;
    private final List<Long> failovers = Collections.synchronizedList(new ArrayList<>());
    private int leaderKills;
    private int followerKills;
    private int pauses;

    public JepsenRun(TestGroup group, int proxyPort, Settings settings) {
        this.group = group;
        this.proxyPort = proxyPort;
        this.settings = settings;
    }

    public Report run() throws Exception {
        List<Thread> clients = new ArrayList<>();
        int process = 0;
        for (int i = 0; i < settings.proxyClients(); i++) {
            clients.add(client(process++, true));
        }
        for (int i = 0; i < settings.directClients(); i++) {
            clients.add(client(process++, false));
        }
        clients.forEach(Thread::start);
        try {
            nemesis();
        }
        finally {
            running.set(false);
            for (Thread client : clients) {
                client.join(30_000);
            }
            heal();
        }
        List<String> missing = missingOnSomeMember();
        List<Operation> operations = history.operations();
        LinearizabilityChecker.Result check = new LinearizabilityChecker().check(operations);
        long ok = operations.stream().filter(op -> op.outcome() == Operation.Outcome.OK).count();
        long failed = operations.stream().filter(op -> op.outcome() == Operation.Outcome.FAIL).count();
        return new Report(operations, check, leaderKills, followerKills, pauses, List.copyOf(failovers),
                acknowledged.size(), missing, ok, failed, operations.size() - ok - failed);
    }

    // ---- clients ------------------------------------------------------------------------------

    private Thread client(int process, boolean throughProxy) {
        Thread thread = new Thread(() -> {
            Random random = new Random(settings.seed() * 31 + process);
            RespClient connection = null;
            int unique = 0;
            while (running.get()) {
                try {
                    if (connection == null) {
                        int port = throughProxy ? proxyPort : group.port(random.nextInt(group.size()));
                        connection = new RespClient(port, throughProxy ? 8000 : 3000);
                    }
                    if (!step(process, throughProxy, random, connection, unique++)) {
                        connection.close();
                        connection = null;
                    }
                }
                catch (IOException e) {
                    connection = null; // could not connect: nothing was sent
                    pause(20);
                }
            }
            if (connection != null) {
                try {
                    connection.close();
                }
                catch (IOException ignored) {
                    // closing anyway
                }
            }
        }, "jepsen-client-" + process);
        thread.setDaemon(true);
        return thread;
    }

    /** One operation; false if the connection is no longer usable. */
    private boolean step(int process, boolean throughProxy, Random random, RespClient connection, int unique) {
        int dice = random.nextInt(100);
        String prefix = throughProxy ? "p" : "d";
        if (dice < 10) { // a unique key, for the durability check
            String key = "w:" + process + ":" + unique;
            try {
                if (connection.call("SET", key, "1") instanceof RespValue.SimpleString) {
                    acknowledged.add(key);
                }
                return true;
            }
            catch (IOException e) {
                return false;
            }
        }
        String readPrefix = throughProxy ? "p" : (random.nextBoolean() ? "p" : "d");
        String generation = (registerOps.getAndIncrement() / OPS_PER_KEY_GENERATION) + ":";
        if (dice < 50) {
            String key = readPrefix + generation + random.nextInt(settings.keys());
            return record(history.invoke(process, Operation.Kind.GET, key, null), connection, "GET", key);
        }
        String key = prefix + generation + random.nextInt(settings.keys());
        if (dice < 75) {
            String value = Integer.toString(random.nextInt(1000));
            return record(history.invoke(process, Operation.Kind.SET, key, value), connection, "SET", key, value);
        }
        return record(history.invoke(process, Operation.Kind.INCR, key, null), connection, "INCR", key);
    }

    private boolean record(History.Pending op, RespClient connection, String... command) {
        RespValue reply;
        try {
            reply = connection.call(command);
        }
        catch (IOException e) {
            history.info(op);
            return false;
        }
        if (reply == null) {
            history.info(op);
            return false;
        }
        if (reply instanceof RespValue.Error error) {
            if (error.message().startsWith("READONLY")) {
                history.fail(op); // a follower refused it: not applied
            }
            else {
                history.info(op);
            }
            // Back off before the next operation: during a failover a client looping on errors
            // records thousands of INFO writes per second, each of which the checker must try at
            // every later point (a 20-kill run ended UNDECIDED, "more than 2000000 states").
            pause(20);
        }
        else if (reply instanceof RespValue.BulkString value) {
            history.ok(op, value.asString());
        }
        else if (reply instanceof RespValue.Integer number) {
            history.ok(op, Long.toString(number.value()));
        }
        else {
            history.ok(op, null); // a GET's null, a SET's +OK
        }
        return true;
    }

    // ---- nemesis ------------------------------------------------------------------------------

    private void nemesis() throws Exception {
        Random random = new Random(settings.seed());
        long start = System.nanoTime();
        long end = start + settings.workloadMillis() * 1_000_000;
        long hardEnd = start + 4 * settings.workloadMillis() * 1_000_000 + 600_000_000_000L;
        pause(1000); // some history before the first fault
        for (int round = 0; ; round++) {
            long now = System.nanoTime();
            if ((now - end > 0 && leaderKills >= settings.minLeaderKills()) || now - hardEnd > 0) {
                return;
            }
            // Short runs take each fault in turn; long ones (many leader kills asked for) kill
            // the leader three rounds in five, then a follower, then pause a member.
            int fault = settings.minLeaderKills() > 3 ? Math.max(0, round % 5 - 2) : round % 3;
            switch (fault) {
                case 0 -> killLeader();
                case 1 -> killFollower(random);
                default -> pauseOne(random);
            }
            pause(500);
        }
    }

    private void killLeader() throws Exception {
        int leader = awaitLeader();
        if (leader < 0) {
            return;
        }
        long killedAt = System.nanoTime();
        group.kill(leader);
        leaderKills++;
        group.afterLeaderKilled(leader);
        long deadline = killedAt + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            try (RespClient probe = new RespClient(proxyPort, 8000)) {
                if (probe.call("SET", "nemesis:probe", Integer.toString(leaderKills)) instanceof RespValue.SimpleString) {
                    failovers.add((System.nanoTime() - killedAt) / 1_000_000);
                    break;
                }
            }
            catch (IOException e) {
                // the proxy answers; a lost connection is retried
            }
            pause(5);
        }
        pause(700);
        group.restart(leader);
    }

    private void killFollower(Random random) throws Exception {
        int leader = awaitLeader();
        int follower = (leader + 1 + random.nextInt(group.size() - 1)) % group.size();
        if (leader < 0 || !group.isAlive(follower)) {
            return;
        }
        group.kill(follower);
        followerKills++;
        pause(1500);
        group.restart(follower);
    }

    private void pauseOne(Random random) throws Exception {
        int member = random.nextInt(group.size());
        if (!group.isAlive(member)) {
            return;
        }
        group.pause(member);
        pauses++;
        pause(1500);
        group.resume(member);
    }

    private int awaitLeader() {
        for (int i = 0; i < 200; i++) {
            int leader = group.leader();
            if (leader >= 0) {
                return leader;
            }
            pause(50);
        }
        return -1;
    }

    /** Every member running and answering again. */
    private void heal() throws IOException {
        for (int i = 0; i < group.size(); i++) {
            try {
                group.resume(i); // harmless if it was not paused
            }
            catch (IOException | InterruptedException | RuntimeException e) {
                // dead: restarted below
            }
            if (!group.isAlive(i)) {
                group.restart(i);
            }
        }
    }

    /** The acknowledged unique keys some member does not have, read straight from each (given up to 60 s to catch up). */
    private List<String> missingOnSomeMember() throws IOException {
        List<String> keys = new ArrayList<>(acknowledged);
        List<String> missing = new ArrayList<>();
        for (int member = 0; member < group.size(); member++) {
            List<String> absent = keys;
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (!absent.isEmpty() && System.nanoTime() < deadline) {
                absent = absentOn(member, absent);
                if (!absent.isEmpty()) {
                    pause(200);
                }
            }
            for (String key : absent) {
                missing.add(key + " on member " + member);
            }
        }
        return missing;
    }

    private List<String> absentOn(int member, List<String> keys) {
        List<String> absent = new ArrayList<>();
        try (RespClient client = new RespClient(group.port(member), 10_000)) {
            for (int from = 0; from < keys.size(); from += 500) {
                List<String> chunk = keys.subList(from, Math.min(keys.size(), from + 500));
                List<String> command = new ArrayList<>(List.of("MGET"));
                command.addAll(chunk);
                RespValue reply = client.call(command.toArray(String[]::new));
                if (!(reply instanceof RespValue.Array values)) {
                    return keys; // not answering yet (no leader to confirm the read): ask again
                }
                for (int i = 0; i < chunk.size(); i++) {
                    if (!(values.elements().get(i) instanceof RespValue.BulkString)) {
                        absent.add(chunk.get(i));
                    }
                }
            }
        }
        catch (IOException e) {
            return keys;
        }
        return absent;
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
