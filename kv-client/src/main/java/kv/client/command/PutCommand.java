package kv.client.command;

import java.util.List;

import kv.client.connection.KvConnection;
import kv.client.render.Console;
import kv.protocol.resp.Request;
import org.springframework.shell.core.command.ExitStatus;
import org.springframework.stereotype.Component;

/**
 * {@code PUT key value} and the assignment's {@code PUT key = value} (several words after the
 * {@code =} are one value). It is sent as {@code SET key value}, which kv-server, kv-proxy and
 * Redis all understand, so the same shell works against each of them.
 */
@Component
public class PutCommand extends RemoteCommand {

    public PutCommand(KvConnection connection) {
        super(spec("put"), connection);
    }

    @Override
    protected ExitStatus run(List<String> args, Console console) {
        String value;
        if (args.size() >= 3 && args.get(1).equals("=")) {
            value = String.join(" ", args.subList(2, args.size()));
        }
        else if (args.size() == 2) {
            value = args.get(1);
        }
        else {
            return usageError(console);
        }
        return exchange(Request.of("SET", args.get(0), value), console);
    }
}
