package kv.proxy.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import kv.protocol.resp.RespValue;
import kv.server.testing.KvServerProcess;

/**
 * Three (or more) kv-servers in cluster mode ({@code kv.server.raft.id}, {@code kv.server.raft.peers}),
 * each its own JVM with its own data directory and Raft port, for tests that kill, pause and
 * restart members. Until kv-server's test jar has its own group helper this one stands in
 * (same settings as {@code ./kv up --cluster}).
 */
public final class KvServerGroup implements TestGroup {

    private final List<KvServerProcess> members;

    private KvServerGroup(List<KvServerProcess> members) {
        this.members = members;
    }

    /** Starts {@code size} members at once and waits until one of them leads. */
    public static KvServerGroup start(Path workDir, int size, String... extraArgs) throws IOException {
        List<Integer> raftPorts = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            raftPorts.add(KvServerProcess.freePort());
        }
        List<String> peers = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            peers.add("n" + (i + 1) + "@127.0.0.1:" + raftPorts.get(i));
        }
        List<CompletableFuture<KvServerProcess>> starting = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            List<String> args = new ArrayList<>(List.of("--kv.server.raft.id=n" + (i + 1),
                    "--kv.server.raft.peers=" + String.join(",", peers), "--kv.server.fsync=always"));
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
        List<KvServerProcess> members = new ArrayList<>();
        try {
            for (CompletableFuture<KvServerProcess> member : starting) {
                members.add(member.join());
            }
        }
        catch (RuntimeException e) {
            starting.forEach(s -> s.thenAccept(KvServerGroup::closeQuietly));
            throw new IOException("a member did not start", e);
        }
        KvServerGroup group = new KvServerGroup(members);
        try {
            Await.until("a leader to be elected", Duration.ofSeconds(60), () -> group.leader() >= 0);
        }
        catch (AssertionError e) {
            group.close();
            throw e;
        }
        return group;
    }

    /** True if a server answers ROLE as a group member does (cluster mode is in this build). */
    public static boolean clusterModeAnswers(int port) {
        try (RespClient client = new RespClient(port, 2000)) {
            return client.call("ROLE") instanceof RespValue.Array role && !role.elements().isEmpty();
        }
        catch (IOException e) {
            return false;
        }
    }

    public KvServerProcess member(int member) {
        return members.get(member);
    }

    @Override
    public int size() {
        return members.size();
    }

    @Override
    public int port(int member) {
        return members.get(member).port();
    }

    @Override
    public boolean isAlive(int member) {
        return members.get(member).isAlive();
    }

    @Override
    public long pid(int member) {
        return members.get(member).pid();
    }

    @Override
    public void kill(int member) throws InterruptedException {
        members.get(member).kill();
    }

    @Override
    public void restart(int member) throws IOException {
        members.get(member).start();
    }

    @Override
    public String backendsSetting() {
        return String.join("|", members.stream().map(m -> "127.0.0.1:" + m.port()).toList());
    }

    @Override
    public void close() {
        members.forEach(KvServerGroup::closeQuietly);
    }

    private static void closeQuietly(KvServerProcess member) {
        try {
            member.close();
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
