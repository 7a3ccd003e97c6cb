package kv.proxy.testing;

import java.io.IOException;

import kv.protocol.resp.RespValue;

/**
 * A replicated group of servers that a test can hurt: kill -9, restart, pause (SIGSTOP) and
 * resume each member. {@link KvServerGroup} is kv-server's cluster mode; {@link ReplicatedRedisGroup}
 * the stand-in of three replicated redis-servers with a manual failover.
 */
public interface TestGroup extends AutoCloseable {

    int size();

    int port(int member);

    boolean isAlive(int member);

    long pid(int member);

    /** SIGKILL. */
    void kill(int member) throws InterruptedException;

    /** Starts a killed member again, on its port and (for kv-server) its data directory. */
    void restart(int member) throws IOException;

    /** {@code backends} as kv-proxy takes one group: {@code 127.0.0.1:p1|127.0.0.1:p2|...}. */
    String backendsSetting();

    /** Called after the nemesis killed the leader: a group without elections (the stand-in) fails over here. */
    default void afterLeaderKilled(int killed) throws IOException {
    }

    /** SIGSTOP: the process stops answering but keeps its connections. */
    default void pause(int member) throws IOException, InterruptedException {
        signal(member, "STOP");
    }

    /** SIGCONT. */
    default void resume(int member) throws IOException, InterruptedException {
        signal(member, "CONT");
    }

    private void signal(int member, String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid(member))).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IOException("kill -" + signal + " " + pid(member) + " failed");
        }
    }

    /** The member whose ROLE says it leads, or -1 if none answers so (within a short timeout each). */
    default int leader() {
        for (int i = 0; i < size(); i++) {
            if (!isAlive(i)) {
                continue;
            }
            try (RespClient client = new RespClient(port(i), 500)) {
                if (client.call("ROLE") instanceof RespValue.Array role && !role.elements().isEmpty()
                        && role.elements().get(0) instanceof RespValue.BulkString name
                        && name.asString().equals("master")) {
                    return i;
                }
            }
            catch (IOException e) {
                // paused or not listening: not the leader we can use
            }
        }
        return -1;
    }

    @Override
    void close();
}
