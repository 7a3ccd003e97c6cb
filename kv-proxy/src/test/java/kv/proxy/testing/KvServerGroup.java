package kv.proxy.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

import kv.server.testing.ClusterProcess;

/**
 * kv-server's cluster mode as a {@link TestGroup}: a thin adapter over kv-server's own test
 * helper {@link ClusterProcess} (real kv-server processes in cluster mode, each with its data
 * directory and Raft port, kept across restarts).
 */
public final class KvServerGroup implements TestGroup {

    private final ClusterProcess cluster;

    private KvServerGroup(ClusterProcess cluster) {
        this.cluster = cluster;
    }

    /** Starts {@code size} members at once and waits until one of them leads. */
    public static KvServerGroup start(Path workDir, int size, String... extraArgs) throws IOException,
            InterruptedException {
        ClusterProcess cluster = ClusterProcess.start(workDir, size, extraArgs);
        try {
            cluster.awaitLeader(Duration.ofSeconds(60));
        }
        catch (RuntimeException | AssertionError | InterruptedException e) {
            cluster.close();
            throw e;
        }
        return new KvServerGroup(cluster);
    }

    @Override
    public int size() {
        return cluster.size();
    }

    @Override
    public int port(int member) {
        return cluster.node(member).port();
    }

    @Override
    public boolean isAlive(int member) {
        return cluster.node(member).isAlive();
    }

    @Override
    public long pid(int member) {
        return cluster.node(member).pid();
    }

    @Override
    public void kill(int member) throws InterruptedException {
        cluster.kill(member);
    }

    @Override
    public void restart(int member) throws IOException {
        cluster.restart(member);
    }

    @Override
    public void pause(int member) throws IOException, InterruptedException {
        cluster.pause(member);
    }

    @Override
    public void resume(int member) throws IOException, InterruptedException {
        cluster.resume(member);
    }

    @Override
    public String backendsSetting() {
        StringBuilder setting = new StringBuilder();
        for (int i = 0; i < size(); i++) {
            setting.append(i == 0 ? "" : "|").append("127.0.0.1:").append(port(i));
        }
        return setting.toString();
    }

    @Override
    public void close() {
        try {
            cluster.close();
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
