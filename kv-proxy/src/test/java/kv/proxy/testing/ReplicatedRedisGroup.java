package kv.proxy.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import kv.protocol.resp.RespValue;

/**
 * The proxy's tests' stand-in for a replicated kv group: three Debian {@code redis-server}s, one
 * the leader (master) and two followers (replicas), with a manual failover. Redis's replicas
 * speak exactly the contract a kv-server group member keeps: {@code ROLE} in the same shapes, and
 * {@code -READONLY You can't write against a read only replica.} to a write. What Redis's
 * asynchronous replication does not give (a write acknowledged by a leader that dies may be
 * lost) is not what these tests look at: they test how the proxy follows the leader, and its
 * cache across a change.
 */
public final class ReplicatedRedisGroup implements TestGroup {

    private final List<RedisServerProcess> members = new ArrayList<>();
    private int leader;

    private ReplicatedRedisGroup() {
    }

    /** Three members, {@code leader} (0-2) the master, the others its replicas, replication established. */
    public static ReplicatedRedisGroup start(Path workDir, int leader) throws IOException {
        ReplicatedRedisGroup group = new ReplicatedRedisGroup();
        try {
            for (int i = 0; i < 3; i++) {
                group.members.add(RedisServerProcess.start(workDir));
            }
            group.makeLeader(leader);
            group.awaitFollowersConnected();
            return group;
        }
        catch (IOException | RuntimeException e) {
            group.close();
            throw e;
        }
    }

    /** The member made leader last. */
    public int madeLeader() {
        return leader;
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

    /** Starts a killed member again (empty: no persistence) as a replica of the leader. */
    @Override
    public void restart(int member) throws IOException {
        members.get(member).start();
        if (member != leader) {
            call(member, "REPLICAOF", "127.0.0.1", Integer.toString(port(leader)));
        }
    }

    /** No elections among redis-servers: the first live member becomes the leader. */
    @Override
    public void afterLeaderKilled(int killed) throws IOException {
        for (int i = 0; i < members.size(); i++) {
            if (i != killed && isAlive(i)) {
                makeLeader(i);
                return;
            }
        }
    }

    public RedisServerProcess member(int member) {
        return members.get(member);
    }

    /** {@code 127.0.0.1:p1|127.0.0.1:p2|127.0.0.1:p3}, as {@code kv.proxy.backends} takes a group. */
    @Override
    public String backendsSetting() {
        return String.join("|", members.stream().map(m -> "127.0.0.1:" + m.port()).toList());
    }

    /** Makes {@code member} the master and every other live member its replica (a manual failover). */
    public void makeLeader(int member) throws IOException {
        call(member, "REPLICAOF", "NO", "ONE");
        for (int i = 0; i < members.size(); i++) {
            if (i != member && members.get(i).isAlive()) {
                call(i, "REPLICAOF", "127.0.0.1", Integer.toString(port(member)));
            }
        }
        leader = member;
    }

    /** Waits until the leader's ROLE lists every other live member as a connected replica. */
    public void awaitFollowersConnected() {
        long live = members.stream().filter(RedisServerProcess::isAlive).count();
        Await.until("the replicas to connect", Duration.ofSeconds(10), () -> {
            try {
                for (int i = 0; i < members.size(); i++) {
                    if (i != leader && members.get(i).isAlive()
                            && !(call(i, "ROLE") instanceof RespValue.Array role
                                 && role.elements().size() > 3
                                 && role.elements().get(3) instanceof RespValue.BulkString state
                                 && state.asString().equals("connected"))) {
                        return false;
                    }
                }
                return call(leader, "ROLE") instanceof RespValue.Array role && role.elements().size() > 2
                        && role.elements().get(2) instanceof RespValue.Array followers
                        && followers.elements().size() == live - 1;
            }
            catch (IOException e) {
                return false;
            }
        });
    }

    /** Waits until every live replica's offset has reached the leader's: what was written is on each. */
    public void awaitReplicated() {
        Await.until("the replicas to catch up", Duration.ofSeconds(10), () -> {
            try {
                if (!(call(leader, "ROLE") instanceof RespValue.Array role)
                        || !(role.elements().get(1) instanceof RespValue.Integer offset)) {
                    return false;
                }
                for (int i = 0; i < members.size(); i++) {
                    if (i != leader && members.get(i).isAlive()
                            && !(call(i, "ROLE") instanceof RespValue.Array follower
                                 && follower.elements().get(4) instanceof RespValue.Integer at
                                 && at.value() >= offset.value())) {
                        return false;
                    }
                }
                return true;
            }
            catch (IOException e) {
                return false;
            }
        });
    }

    /** One command on one member, on a connection of its own. */
    public RespValue call(int member, String... args) throws IOException {
        try (RespClient client = new RespClient(port(member))) {
            return client.call(args);
        }
    }

    @Override
    public void close() {
        for (RedisServerProcess member : members) {
            try {
                member.close();
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
