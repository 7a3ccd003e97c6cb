package kv.server.raft;

import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;

import kv.protocol.ByteKey;
import kv.protocol.resp.Replies;
import kv.protocol.resp.RespValue;
import kv.protocol.resp.Request;
import kv.server.command.Replication;
import kv.server.store.ReadOnlyReplicaException;
import kv.server.store.ReplicatedLog;
import kv.server.store.RocksDbStore;
import kv.server.store.StoreException;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.proto.RaftProtos.ServerRpcProto;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This server as one member of a Raft group (Apache Ratis): starts the Ratis server over
 * {@link StoreStateMachine}, takes the store's writes as log entries ({@link ReplicatedLog}),
 * and answers what commands ask of replication ({@link Replication}: READONLY on a follower,
 * the read barrier, ROLE, INFO replication, RAFT).
 *
 * <p>Design note, writes: the store's writer (an event loop, holding the store's write order)
 * submits its batch straight to the local Ratis server, not through a RaftClient (no gRPC hop
 * on the leader), and waits until this node has applied it; the next write is then computed on
 * the applied state. Each entry carries this process's origin and a sequence number: the apply
 * thread recognizes a write its own writer waits for (that writer keeps counts, cache, WATCH and
 * tracking as on a single server) from every other entry, whose effects it derives itself.
 *
 * <p>Design note, reads: with {@code linearizable} (ReadIndex) a leader runs a round's reads at
 * once and, before the round's replies leave, confirms with one Ratis read request that it was
 * still the leader after they ran; having applied every entry it acknowledged and, once ready,
 * every entry of earlier terms, its answers then include every write acknowledged before them.
 * A follower cannot argue so: before each read it asks the leader's commit index (a Ratis
 * linearizable read, which waits until this node has applied it) and only then reads.
 */
public final class RaftNode implements Replication, ReplicatedLog, StoreStateMachine.Listener, Closeable {

    private static final Logger log = LoggerFactory.getLogger(RaftNode.class);

    /** One group per server for now; its id is fixed so that every member names the same group. */
    static final RaftGroupId GROUP_ID = RaftGroupId.valueOf(UUID.nameUUIDFromBytes("kv".getBytes(StandardCharsets.US_ASCII)));

    private static final String MASTERDOWN = "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.";

    private final ClusterProperties settings;
    private final RocksDbStore store;
    private final RaftPeerId me;
    private final RaftGroup group;
    private final RaftServer server;
    private final RaftServer.Division division;
    private final RaftClient client;
    private final ClientId localClient = ClientId.randomId();
    private final AtomicLong calls = new AtomicLong();
    private final long origin = new SecureRandom().nextLong();
    private final AtomicLong sequence = new AtomicLong();
    /** Sequences of this process's writes whose writer still waits (see {@link #ownWrite}). */
    private final Set<Long> waiting = ConcurrentHashMap.newKeySet();
    /** Each member's RESP address, as announced through the log. */
    private final Map<String, String> members = new ConcurrentHashMap<>();
    private final ScheduledExecutorService announcer;
    private final AtomicBoolean announcing = new AtomicBoolean();
    private final IntSupplier respPort;
    private final String host;
    /** Whether the event loop running on this thread served a read this round (leader, linearizable). */
    private final ThreadLocal<boolean[]> roundReads = ThreadLocal.withInitial(() -> new boolean[1]);

    /**
     * Starts this node. {@code dataDir} holds the Raft log under {@code raft/}; {@code syncLog}
     * false lets Ratis acknowledge before its log reaches the disk ({@code kv.server.fsync=no}).
     */
    public RaftNode(ClusterProperties settings, RocksDbStore store, Path dataDir, boolean syncLog, IntSupplier respPort,
                    String bind) throws IOException {
        this.settings = settings;
        this.store = store;
        this.respPort = respPort;
        this.host = settings.advertiseHost() != null && !settings.advertiseHost().isBlank() ? settings.advertiseHost()
                : bind.equals("0.0.0.0") || bind.isBlank() ? "127.0.0.1" : bind;
        this.me = RaftPeerId.valueOf(settings.id());
        List<RaftPeer> peers = Peers.parse(settings.peers());
        RaftPeer self = peers.stream().filter(peer -> peer.getId().equals(me)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("kv.server.raft.id '" + settings.id()
                        + "' is not one of kv.server.raft.peers (" + settings.peers() + ")"));
        this.group = RaftGroup.valueOf(GROUP_ID, peers);
        RaftProperties properties = ratisProperties(settings, dataDir.resolve("raft"), syncLog);
        GrpcConfigKeys.Server.setPort(properties, port(self.getAddress()));
        store.serverValues(StoreStateMachine.MEMBER_PREFIX).forEach(this::loadMember);
        boolean formatted = Files.exists(dataDir.resolve("raft").resolve(GROUP_ID.getUuid().toString()));
        // A joining node's first start: no peers, so no election before the leader's first append
        RaftGroup startGroup = settings.join() && !formatted ? RaftGroup.valueOf(GROUP_ID) : group;
        this.server = RaftServer.newBuilder()
                .setServerId(me)
                .setGroup(startGroup)
                .setProperties(properties)
                .setStateMachine(new StoreStateMachine(store, this))
                .setOption(formatted ? RaftStorage.StartupOption.RECOVER : RaftStorage.StartupOption.FORMAT)
                .build();
        store.replicateThrough(this);
        server.start();
        this.division = server.getDivision(GROUP_ID);
        RaftProperties clientProperties = new RaftProperties();
        this.client = RaftClient.newBuilder().setProperties(clientProperties).setRaftGroup(group).build();
        this.announcer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "kv-raft-announce");
            thread.setDaemon(true);
            return thread;
        });
        announcer.scheduleWithFixedDelay(this::announce, 200, 500, TimeUnit.MILLISECONDS);
        log.info("Raft member {} of {} started ({}), reads {}", me, peers, formatted ? "recovered" : "new",
                settings.read().name().toLowerCase(Locale.ROOT));
    }

    /** Ratis's settings from kv's (see docs/cluster.md for each). */
    static RaftProperties ratisProperties(ClusterProperties settings, Path directory, boolean syncLog) {
        RaftProperties properties = new RaftProperties();
        RaftServerConfigKeys.setStorageDir(properties, List.of(directory.toFile()));
        RaftServerConfigKeys.Rpc.setTimeoutMin(properties, millis(settings.electionTimeoutMin().toMillis()));
        RaftServerConfigKeys.Rpc.setTimeoutMax(properties, millis(settings.electionTimeoutMax().toMillis()));
        // ReadIndex; the lease explicitly (Ratis's code default and its documentation disagree)
        RaftServerConfigKeys.Read.setOption(properties, settings.read() == ClusterProperties.ReadMode.STALE
                ? RaftServerConfigKeys.Read.Option.DEFAULT : RaftServerConfigKeys.Read.Option.LINEARIZABLE);
        RaftServerConfigKeys.Read.setLeaderLeaseEnabled(properties, settings.read() == ClusterProperties.ReadMode.LEASE);
        RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(properties, true);
        RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(properties, settings.snapshotThreshold());
        RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(properties, true);
        RaftServerConfigKeys.Log.setSegmentSizeMax(properties, SizeInBytes.valueOf(settings.segmentSize().toBytes()));
        // kv.server.fsync=no: the log is written but not waited for on its way to the disk
        RaftServerConfigKeys.Log.setUnsafeFlushEnabled(properties, !syncLog);
        return properties;
    }

    private static TimeDuration millis(long ms) {
        return TimeDuration.valueOf(ms, TimeUnit.MILLISECONDS);
    }

    private static int port(String address) {
        return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
    }

    private void loadMember(ByteKey key, byte[] value) {
        byte[] bytes = key.bytes();
        String id = new String(bytes, StoreStateMachine.MEMBER_PREFIX.length, bytes.length - StoreStateMachine.MEMBER_PREFIX.length,
                StandardCharsets.UTF_8);
        members.put(id, new String(value, StandardCharsets.UTF_8));
    }

    /** This node's RESP address, through the log, whenever the group's record of it is missing or old. */
    private void announce() {
        try {
            int port = respPort.getAsInt();
            String address = host + ":" + port;
            if (port <= 0 || address.equals(members.get(me.toString())) || !announcing.compareAndSet(false, true)) {
                return;
            }
            client.async().send(LogEntries.member(me.toString(), address)).whenComplete((reply, failure) -> {
                announcing.set(false);
                if (failure != null) {
                    log.debug("Announcing {} failed: {}", address, failure.toString());
                }
            });
        }
        catch (RuntimeException e) {
            announcing.set(false);
            log.debug("Announcing failed: {}", e.toString());
        }
    }

    // The store's log (ReplicatedLog)

    @Override
    public void append(byte[] batch) {
        if (!leads()) {
            throw new ReadOnlyReplicaException();
        }
        long number = sequence.incrementAndGet();
        waiting.add(number);
        CompletableFuture<RaftClientReply> replied;
        try {
            replied = server.submitClientRequestAsync(request(LogEntries.write(origin, number, batch),
                    RaftClientRequest.writeRequestType()));
        }
        catch (IOException e) {
            waiting.remove(number);
            throw new StoreException("the write could not be submitted to Raft: " + e.getMessage(), e);
        }
        RaftClientReply reply;
        try {
            reply = replied.get(settings.writeTimeout().toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (TimeoutException | ExecutionException e) {
            if (waiting.remove(number)) {
                throw new StoreException("the write was not committed within " + settings.writeTimeout().toMillis()
                        + " ms (it may still be): " + e, e);
            }
            reply = replied.join(); // being applied now: its reply is moments away
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            waiting.remove(number);
            throw new StoreException("interrupted while the write was replicated", e);
        }
        if (!reply.isSuccess()) {
            waiting.remove(number);
            if (reply.getNotLeaderException() != null || reply.getLeaderNotReadyException() != null) {
                throw new ReadOnlyReplicaException();
            }
            throw new StoreException("the write failed in Raft: " + reply.getException(), reply.getException());
        }
    }

    private RaftClientRequest request(Message message, RaftClientRequest.Type type) {
        return RaftClientRequest.newBuilder()
                .setClientId(localClient)
                .setServerId(me)
                .setGroupId(GROUP_ID)
                .setCallId(calls.incrementAndGet())
                .setMessage(message)
                .setType(type)
                .build();
    }

    @Override
    public boolean leads() {
        DivisionInfo info = division.getInfo();
        return info.isLeader() && info.isLeaderReady();
    }

    // What applied entries tell (StoreStateMachine.Listener)

    @Override
    public boolean ownWrite(long writer, long number) {
        return writer == origin && waiting.remove(number);
    }

    @Override
    public void member(String id, String address) {
        members.put(id, address);
    }

    @Override
    public void reloaded() {
        members.clear();
        store.serverValues(StoreStateMachine.MEMBER_PREFIX).forEach(this::loadMember);
    }

    // Replication, as commands see it

    @Override
    public boolean refusesWrites() {
        return !leads();
    }

    @Override
    public boolean beforeRead() {
        if (settings.read() == ClusterProperties.ReadMode.STALE) {
            return true;
        }
        if (division.getInfo().isLeader()) {
            roundReads.get()[0] = true; // confirmed at the round's end
            return true;
        }
        return barrier();
    }

    @Override
    public boolean confirmRound() {
        boolean[] read = roundReads.get();
        if (!read[0]) {
            return true;
        }
        read[0] = false;
        return barrier();
    }

    /**
     * A Ratis read request to this node: answered once the leader has confirmed its leadership
     * (ReadIndex, or its lease) and this node has applied up to the leader's commit index.
     */
    private boolean barrier() {
        try {
            RaftClientReply reply = server.submitClientRequestAsync(request(Message.EMPTY, RaftClientRequest.readRequestType()))
                    .get(settings.writeTimeout().toMillis(), TimeUnit.MILLISECONDS);
            return reply.isSuccess();
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        catch (ExecutionException | TimeoutException | IOException e) {
            log.debug("Read barrier failed: {}", e.toString());
            return false;
        }
    }

    @Override
    public String readRefusal() {
        return MASTERDOWN;
    }

    /**
     * Redis's shapes: a leader {@code [master, applied, [[host, port, applied], ...]]} over the
     * followers whose RESP address is known; a follower {@code [slave, host, port, state,
     * applied]}, "connecting" while it knows no leader or not its address.
     */
    @Override
    public RespValue role() {
        DivisionInfo info = division.getInfo();
        long applied = info.getLastAppliedIndex();
        if (info.isLeader()) {
            List<RespValue> followers = new ArrayList<>();
            followerIndices(info).forEach((id, match) -> {
                String address = members.get(id);
                if (address != null) {
                    followers.add(new RespValue.Array(List.of(Replies.bulk(hostOf(address)),
                            Replies.bulk(Integer.toString(portOf(address))), Replies.bulk(Long.toString(match)))));
                }
            });
            return new RespValue.Array(List.of(Replies.bulk("master"), new RespValue.Integer(applied),
                    new RespValue.Array(followers)));
        }
        RaftPeerId leader = info.getLeaderId();
        String address = leader == null ? null : members.get(leader.toString());
        return new RespValue.Array(List.of(Replies.bulk("slave"), Replies.bulk(address == null ? "" : hostOf(address)),
                new RespValue.Integer(address == null ? 0 : portOf(address)),
                Replies.bulk(address == null ? "connecting" : "connected"), new RespValue.Integer(applied)));
    }

    /** Each follower's match index (the last entry the leader knows it holds), by id. */
    private static Map<String, Long> followerIndices(DivisionInfo info) {
        Map<String, Long> indices = new java.util.LinkedHashMap<>();
        RoleInfoProto role = info.getRoleInfoProto();
        if (!role.hasLeaderInfo()) {
            return indices;
        }
        List<ServerRpcProto> followers = role.getLeaderInfo().getFollowerInfoList();
        long[] match = info.getFollowerMatchIndices();
        for (int i = 0; i < followers.size() && i < match.length; i++) {
            indices.put(followers.get(i).getId().getId().toStringUtf8(), match[i]);
        }
        return indices;
    }

    private static String hostOf(String address) {
        return address.substring(0, address.lastIndexOf(':'));
    }

    private static int portOf(String address) {
        return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
    }

    @Override
    public void info(Map<String, Object> fields) {
        DivisionInfo info = division.getInfo();
        long applied = info.getLastAppliedIndex();
        long commit = division.getRaftLog().getLastCommittedIndex();
        RaftPeerId leader = info.getLeaderId();
        if (info.isLeader()) {
            fields.put("role", "master");
            Map<String, Long> followers = followerIndices(info);
            fields.put("connected_slaves", followers.size());
            int n = 0;
            for (Map.Entry<String, Long> follower : followers.entrySet()) {
                String address = members.getOrDefault(follower.getKey(), ":0");
                fields.put("slave" + n++, "ip=" + hostOf(address) + ",port=" + portOf(address) + ",state=online,offset="
                        + follower.getValue() + ",lag=" + Math.max(0, commit - follower.getValue()));
            }
        }
        else {
            String address = leader == null ? null : members.get(leader.toString());
            fields.put("role", "slave");
            fields.put("master_host", address == null ? "" : hostOf(address));
            fields.put("master_port", address == null ? 0 : portOf(address));
            fields.put("master_link_status", address == null ? "down" : "up");
            fields.put("slave_repl_offset", applied);
            fields.put("slave_read_only", 1);
            fields.put("connected_slaves", 0);
        }
        fields.put("master_repl_offset", applied);
        fields.put("raft_id", me);
        fields.put("raft_role", info.getCurrentRole().name().toLowerCase(Locale.ROOT));
        fields.put("raft_term", info.getCurrentTerm());
        fields.put("raft_leader_id", leader == null ? "" : leader.toString());
        fields.put("raft_commit_index", commit);
        fields.put("raft_applied_index", applied);
        var snapshot = division.getStateMachine().getLatestSnapshot();
        fields.put("raft_snapshot_index", snapshot == null ? -1 : snapshot.getIndex());
        fields.put("raft_members", String.join(",", division.getRaftConf().getCurrentPeers().stream()
                .map(peer -> peer.getId() + "@" + peer.getAddress()).toList()));
        fields.put("raft_read", settings.read().name().toLowerCase(Locale.ROOT));
        if (info.isLeader()) {
            followerIndices(info).forEach((id, match) -> fields.put("raft_lag_" + id, Math.max(0, commit - match)));
        }
    }

    @Override
    public RespValue admin(Request request) {
        return new MembershipCommands(division, client, settings).run(request);
    }

    @Override
    public void close() {
        announcer.shutdownNow();
        // The store keeps this log: a write after this point is refused (not leader), never
        // written to this node alone.
        try {
            client.close();
        }
        catch (IOException e) {
            log.warn("Closing the Raft client: {}", e.toString());
        }
        try {
            server.close();
        }
        catch (IOException e) {
            log.warn("Closing the Raft server: {}", e.toString());
        }
        log.info("Raft member {} stopped", me);
    }
}
