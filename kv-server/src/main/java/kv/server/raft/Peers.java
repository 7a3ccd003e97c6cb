package kv.server.raft;

import java.util.ArrayList;
import java.util.List;

import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;

/** Parses {@code kv.server.raft.peers}: {@code id@host:port} members, comma separated. */
final class Peers {

    private Peers() {
    }

    static List<RaftPeer> parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("kv.server.raft.peers is empty: set it to the group's members, "
                    + "such as n1@127.0.0.1:9001,n2@127.0.0.1:9002,n3@127.0.0.1:9003");
        }
        List<RaftPeer> peers = new ArrayList<>();
        for (String member : text.split(",")) {
            peers.add(peer(member.trim()));
        }
        return peers;
    }

    /** One {@code id@host:port}. */
    static RaftPeer peer(String member) {
        int at = member.indexOf('@');
        int colon = member.lastIndexOf(':');
        if (at <= 0 || colon < at + 2 || colon == member.length() - 1) {
            throw new IllegalArgumentException("kv.server.raft.peers: '" + member + "' is not id@host:port");
        }
        try {
            Integer.parseInt(member.substring(colon + 1));
        }
        catch (NumberFormatException e) {
            throw new IllegalArgumentException("kv.server.raft.peers: '" + member + "' has no port number");
        }
        return RaftPeer.newBuilder().setId(RaftPeerId.valueOf(member.substring(0, at)))
                .setAddress(member.substring(at + 1)).build();
    }
}
