package kv.client.command;

import java.util.List;

import kv.client.connection.KvConnection;
import kv.client.connection.ServerInfo;
import kv.client.connection.Target;
import kv.client.connection.UnreachableException;
import kv.client.render.Console;
import org.springframework.shell.core.command.ExitStatus;
import org.springframework.stereotype.Component;

/**
 * {@code connect host:port}: points the shell at another kv-proxy, kv-server or Redis. If it
 * cannot be reached the shell still points there, and the next command tries again.
 */
@Component
public class ConnectCommand extends KvCommand {

    private final KvConnection connection;

    public ConnectCommand(KvConnection connection) {
        super("connect", "Connect to another kv-proxy, kv-server or Redis (7380: proxy, 7379: server)",
                CommandGroups.SHELL, "CONNECT host:port");
        this.connection = connection;
    }

    @Override
    protected ExitStatus run(List<String> args, Console console) {
        if (args.size() != 1) {
            return usageError(console);
        }
        Target current = connection.target();
        Target target;
        try {
            target = Target.parse(args.get(0), current.host(), current.port());
        }
        catch (IllegalArgumentException e) {
            console.error(e.getMessage());
            return usageError(console);
        }
        try {
            ServerInfo server = connection.connect(target);
            console.println("connected to " + target + " (" + server.describe() + ")");
            return Outcomes.OK;
        }
        catch (UnreachableException e) {
            console.error(e.getMessage());
            return Outcomes.UNREACHABLE;
        }
    }
}
