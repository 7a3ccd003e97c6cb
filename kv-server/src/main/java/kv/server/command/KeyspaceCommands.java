package kv.server.command;

import java.util.Map;

import kv.protocol.resp.Replies;
import kv.protocol.resp.RespValue;
import kv.protocol.resp.Request;
import kv.server.config.KvServerProperties;
import kv.server.tcp.ClientSession;
import org.springframework.stereotype.Component;

/** SELECT and the commands over the keys of a database. */
@Component
public class KeyspaceCommands implements CommandGroup {

    private final int databases;

    public KeyspaceCommands(KvServerProperties properties) {
        this.databases = properties.databases();
    }

    @Override
    public void register(Map<String, CommandHandler> handlers) {
        handlers.put("select", this::select);
    }

    /** {@code SELECT index}: the connection's database from now on, 0 to {@code databases - 1}. */
    RespValue select(Request request, ClientSession session) {
        Long index = Numbers.parseLong(request.arg(1));
        if (index == null || index != (int) (long) index) {
            return Replies.error(Numbers.NOT_AN_INTEGER);
        }
        if (index < 0 || index >= databases) {
            return Replies.error("ERR DB index is out of range");
        }
        session.db((int) (long) index);
        return Replies.OK;
    }
}
