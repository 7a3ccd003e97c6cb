package kv.server.command;

import java.util.Map;

import kv.protocol.command.CommandGroup;
import kv.protocol.command.CommandHandler;
import kv.server.session.ClientSession;
import org.springframework.stereotype.Component;

/** ROLE (Redis's shapes) and RAFT (the group's membership), answered by {@link Replication}. */
@Component
public class ReplicationCommands implements CommandGroup<ClientSession> {

    private final Replication replication;

    public ReplicationCommands(Replication replication) {
        this.replication = replication;
    }

    @Override
    public void register(Map<String, CommandHandler<ClientSession>> handlers) {
        handlers.put("role", (request, session) -> replication.role());
        handlers.put("raft", (request, session) -> replication.admin(request));
    }
}
