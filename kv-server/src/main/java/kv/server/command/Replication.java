package kv.server.command;

import java.util.Map;

import kv.protocol.resp.RespValue;
import kv.protocol.resp.Request;

/**
 * This server's place in replication, as commands see it: a single server (always a master with
 * no replicas), or a member of a Raft group (see {@code kv.server.raft.RaftNode}). The
 * dispatcher asks it before writes (a follower refuses them with {@code READONLY}) and around
 * reads (the read barrier); ROLE, INFO replication and RAFT answer from it.
 */
public interface Replication {

    /** True on a group member that is not the leader: writes are refused with READONLY. */
    boolean refusesWrites();

    /**
     * Called before a read command runs on this thread; a follower serving linearizable reads
     * waits here until it has applied what the leader had committed when the read arrived.
     * False: the leader cannot be reached; the read is refused with {@link #readRefusal()}.
     */
    boolean beforeRead();

    /** The error a read refused by {@link #beforeRead()} gets. */
    String readRefusal();

    /**
     * Called on the event loop at the end of a round, before its replies leave: false if a read
     * of the round cannot be confirmed (the leader could not confirm it still leads), and the
     * round's connections must be closed instead of answered.
     */
    boolean confirmRound();

    /** The ROLE reply, in Redis's shape. */
    RespValue role();

    /** The fields of INFO's replication section. */
    void info(Map<String, Object> fields);

    /** {@code RAFT <subcommand> ...}: the group's membership and leadership. */
    RespValue admin(Request request);
}
