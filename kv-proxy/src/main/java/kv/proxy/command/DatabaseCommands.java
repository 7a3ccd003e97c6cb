package kv.proxy.command;

import java.util.Map;

import kv.protocol.command.CommandGroup;
import kv.protocol.command.CommandHandler;
import kv.protocol.resp.Replies;
import kv.protocol.resp.RespValue;
import kv.protocol.resp.Request;
import kv.proxy.ops.ProxyConfig;
import kv.proxy.session.ClientSession;
import org.springframework.stereotype.Component;

/**
 * {@code SELECT index}: the proxy keeps each client's database and runs the client's requests on
 * it at every backend (see {@link kv.proxy.backend.Databases}). The index must exist on every
 * backend: the proxy knows how many databases each has from {@code CONFIG GET databases}, asked
 * when it subscribes to the backend's invalidations.
 */
@Component
public class DatabaseCommands implements CommandGroup<ClientSession> {

    private final ProxyConfig config;

    public DatabaseCommands(ProxyConfig config) {
        this.config = config;
    }

    @Override
    public void register(Map<String, CommandHandler<ClientSession>> handlers) {
        handlers.put("select", this::select);
    }

    /**
     * As Redis reads it ({@code getIntFromObjectOrReply}): string2ll's syntax (no sign but a minus,
     * no leading zero, no "-0"), then within an int, then an existing database.
     */
    RespValue select(Request request, ClientSession session) {
        String text = request.argString(1);
        long index;
        try {
            if (!text.matches("0|-?[1-9][0-9]{0,18}")) {
                throw new NumberFormatException(text);
            }
            index = Long.parseLong(text);
        }
        catch (NumberFormatException e) {
            return Replies.error("ERR value is not an integer or out of range");
        }
        if (index != (int) index) {
            return Replies.error("ERR value is out of range, value must between -2147483648 and 2147483647");
        }
        if (index < 0 || index >= config.databases()) {
            return Replies.error("ERR DB index is out of range");
        }
        session.db((int) index);
        return Replies.OK;
    }
}
