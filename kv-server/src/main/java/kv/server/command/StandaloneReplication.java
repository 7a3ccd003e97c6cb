package kv.server.command;

import java.util.List;
import java.util.Map;

import kv.protocol.resp.Replies;
import kv.protocol.resp.RespValue;
import kv.protocol.resp.Request;

/** A single server: a master without replicas, as Redis answers ROLE and INFO replication then. */
public final class StandaloneReplication implements Replication {

    @Override
    public boolean refusesWrites() {
        return false;
    }

    @Override
    public boolean beforeRead() {
        return true;
    }

    @Override
    public String readRefusal() {
        return null;
    }

    @Override
    public boolean confirmRound() {
        return true;
    }

    @Override
    public RespValue role() {
        return new RespValue.Array(List.of(Replies.bulk("master"), new RespValue.Integer(0), new RespValue.Array(List.of())));
    }

    @Override
    public void info(Map<String, Object> fields) {
        fields.put("role", "master");
        fields.put("connected_slaves", 0);
        fields.put("master_failover_state", "no-failover");
        fields.put("master_repl_offset", 0);
        fields.put("second_repl_offset", -1);
        fields.put("repl_backlog_active", 0);
    }

    @Override
    public RespValue admin(Request request) {
        return Replies.error("ERR this server is not in cluster mode (kv.server.raft.id and kv.server.raft.peers are unset)");
    }
}
