package kv.server.raft;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import kv.protocol.resp.Replies;
import kv.protocol.resp.RespValue;
import kv.protocol.resp.Request;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;

/**
 * {@code RAFT ADDNODE id host:raftport}, {@code RAFT REMOVENODE id}, {@code RAFT TRANSFERLEADER id}
 * and {@code RAFT MEMBERS}: the group's membership through Ratis's {@code setConfiguration}
 * (the leader catches a new member up, by snapshot if the log it needs is purged) and
 * leadership through {@code transferLeadership}. Each waits for Ratis's answer (bounded by
 * the write timeout): an operator's command, not a hot path.
 */
final class MembershipCommands {

    private final RaftServer.Division division;
    private final RaftClient client;
    private final ClusterProperties settings;

    MembershipCommands(RaftServer.Division division, RaftClient client, ClusterProperties settings) {
        this.division = division;
        this.client = client;
        this.settings = settings;
    }

    RespValue run(Request request) {
        String sub = request.argString(1).toLowerCase(Locale.ROOT);
        try {
            return switch (sub) {
                case "addnode" -> request.size() != 4 ? arity(sub) : add(request.argString(2), request.argString(3));
                case "removenode" -> request.size() != 3 ? arity(sub) : remove(request.argString(2));
                case "transferleader" -> request.size() != 3 ? arity(sub) : transfer(request.argString(2));
                case "members" -> request.size() != 2 ? arity(sub) : members();
                default -> Replies.error("ERR unknown subcommand '" + request.argString(1)
                        + "'. Try RAFT ADDNODE, RAFT REMOVENODE, RAFT TRANSFERLEADER, RAFT MEMBERS.");
            };
        }
        catch (IOException | RuntimeException e) {
            return Replies.error("ERR " + sub + " failed: " + e.getMessage());
        }
    }

    private static RespValue arity(String sub) {
        return Replies.error("ERR wrong number of arguments for 'raft|" + sub + "' command");
    }

    private List<RaftPeer> current() {
        return new ArrayList<>(division.getRaftConf().getCurrentPeers());
    }

    private RespValue add(String id, String address) throws IOException {
        RaftPeer added = Peers.peer(id + "@" + address);
        List<RaftPeer> peers = current();
        if (peers.stream().anyMatch(peer -> peer.getId().equals(added.getId()))) {
            return Replies.error("ERR " + id + " is already a member");
        }
        peers.add(added);
        return answer(client.admin().setConfiguration(peers));
    }

    private RespValue remove(String id) throws IOException {
        List<RaftPeer> peers = current();
        if (!peers.removeIf(peer -> peer.getId().toString().equals(id))) {
            return Replies.error("ERR " + id + " is not a member");
        }
        return answer(client.admin().setConfiguration(peers));
    }

    private RespValue transfer(String id) throws IOException {
        if (current().stream().noneMatch(peer -> peer.getId().toString().equals(id))) {
            return Replies.error("ERR " + id + " is not a member");
        }
        return answer(client.admin().transferLeadership(RaftPeerId.valueOf(id), settings.writeTimeout().toMillis()));
    }

    private RespValue members() {
        List<RespValue> rows = new ArrayList<>();
        for (RaftPeer peer : current()) {
            rows.add(Replies.bulk(peer.getId() + "@" + peer.getAddress()));
        }
        return new RespValue.Array(rows);
    }

    private static RespValue answer(RaftClientReply reply) {
        return reply.isSuccess() ? Replies.OK : Replies.error("ERR " + reply.getException());
    }
}
