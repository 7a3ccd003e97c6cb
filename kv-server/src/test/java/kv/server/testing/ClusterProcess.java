package kv.server.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import redis.clients.jedis.Jedis;

/**
 * A Raft group of real kv-server processes on free ports (cluster mode: {@code kv.server.raft.*}),
 * for tests that kill, pause and restart its members. Node {@code i} (0-based) has id
 * {@code n<i+1>}, its own data directory under the work directory, and keeps its RESP and Raft
 * ports across restarts. Election timeouts are 500-1000 ms (stable on a loaded 2-core machine) unless the extra arguments say otherwise.
 */
public final class ClusterProcess implements AutoCloseable {

    private final List<KvServerProcess> nodes;
    private final String peers;

    private ClusterProcess(List<KvServerProcess> nodes, String peers) {
        this.nodes = nodes;
        this.peers = peers;
    }

    /** Starts {@code size} members at once; extra arguments go to every one (see {@link KvServerProcess#start}). */
    public static ClusterProcess start(Path workDir, int size, String... extraArgs) throws IOException {
        List<String> members = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            members.add("n" + (i + 1) + "@127.0.0.1:" + KvServerProcess.freePort());
        }
        String peers = String.join(",", members);
        List<CompletableFuture<KvServerProcess>> starting = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            List<String> args = new ArrayList<>(List.of("--kv.server.raft.id=n" + (i + 1), "--kv.server.raft.peers=" + peers,
                    "--kv.server.raft.election-timeout-min=500ms", "--kv.server.raft.election-timeout-max=1000ms",
                    // elections, role changes, snapshot installs: what a failing test needs to read
                    "--logging.level.org.apache.ratis.server.impl=info"));
            args.addAll(List.of(extraArgs));
            Path dir = workDir.resolve("n" + (i + 1));
            starting.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return KvServerProcess.start(dir, args.toArray(String[]::new));
                }
                catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }));
        }
        List<KvServerProcess> nodes = new ArrayList<>();
        RuntimeException failed = null;
        for (CompletableFuture<KvServerProcess> node : starting) {
            try {
                nodes.add(node.join());
            }
            catch (RuntimeException e) {
                failed = e;
            }
        }
        if (failed != null) { // no member outlives a group that did not start
            for (KvServerProcess node : nodes) {
                try {
                    node.close();
                }
                catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            throw failed;
        }
        return new ClusterProcess(nodes, peers);
    }

    public int size() {
        return nodes.size();
    }

    public KvServerProcess node(int i) {
        return nodes.get(i);
    }

    /** {@code kv.server.raft.peers} of the group as started. */
    public String peers() {
        return peers;
    }

    /** {@code kill -9} of node {@code i}. */
    public void kill(int i) throws InterruptedException {
        nodes.get(i).kill();
    }

    /** Restarts node {@code i} on its ports and data, waiting until it answers PING. */
    public void restart(int i) throws IOException {
        nodes.get(i).start();
    }

    /** SIGSTOP: the process stops without knowing it (a long GC pause, a frozen VM). */
    public void pause(int i) throws IOException, InterruptedException {
        signal(i, "STOP");
    }

    /** SIGCONT after {@link #pause}. */
    public void resume(int i) throws IOException, InterruptedException {
        signal(i, "CONT");
    }

    private void signal(int i, String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(nodes.get(i).pid())).inheritIO().start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IOException("kill -" + signal + " failed");
        }
    }

    /** ROLE of node {@code i}'s first element ("master" or "slave"), or null if it does not answer. */
    public String role(int i) {
        if (!nodes.get(i).isAlive()) {
            return null;
        }
        try (Jedis jedis = new Jedis("127.0.0.1", nodes.get(i).port(), 2000)) {
            List<?> role = (List<?>) jedis.sendCommand(() -> "ROLE".getBytes());
            return new String((byte[]) role.get(0));
        }
        catch (RuntimeException e) {
            return null;
        }
    }

    /** The index of the node whose ROLE says master, waiting up to {@code timeout} for one. */
    public int awaitLeader(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (int i = 0; i < nodes.size(); i++) {
                if ("master".equals(role(i))) {
                    return i;
                }
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("no leader within " + timeout);
    }

    @Override
    public void close() throws InterruptedException {
        for (KvServerProcess node : nodes) {
            try {
                resumeQuietly(node);
                node.close();
            }
            catch (RuntimeException e) {
                // the others still go
            }
        }
    }

    private static void resumeQuietly(KvServerProcess node) {
        if (node.isAlive()) {
            try {
                new ProcessBuilder("kill", "-CONT", Long.toString(node.pid())).start().waitFor(5, TimeUnit.SECONDS);
            }
            catch (IOException | InterruptedException e) {
                // killed next anyway
            }
        }
    }
}
