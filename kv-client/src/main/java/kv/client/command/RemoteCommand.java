package kv.client.command;

import java.util.List;
import java.util.Locale;

import kv.client.connection.Answer;
import kv.client.connection.KvConnection;
import kv.client.connection.UnreachableException;
import kv.client.render.ReplyFormatter;
import kv.client.render.Console;
import kv.protocol.command.CommandSpec;
import kv.protocol.command.CommandTable;
import kv.protocol.resp.Request;
import kv.protocol.resp.RespValue;
import org.springframework.shell.core.command.ExitStatus;

/**
 * A command that is sent to kv: described by its entry in the shared command table (name,
 * summary, syntax for help and completion, arity checked before anything is sent). Unless a
 * subclass says otherwise, the reply is printed as {@link ReplyFormatter} renders it.
 */
public class RemoteCommand extends KvCommand {

    protected final CommandSpec spec;
    protected final KvConnection connection;

    protected RemoteCommand(CommandSpec spec, KvConnection connection) {
        super(spec.name(), spec.summary(), CommandGroups.of(spec), CommandGroups.usage(spec));
        this.spec = spec;
        this.connection = connection;
    }

    /** A command of the table that the shell has no special display for: SET, MGET, DBSIZE... */
    public static RemoteCommand passThrough(CommandSpec spec, KvConnection connection) {
        return new RemoteCommand(spec, connection);
    }

    protected static CommandSpec spec(String name) {
        return CommandTable.find(name).orElseThrow(() -> new IllegalStateException(name + " is not in the table"));
    }

    public CommandSpec spec() {
        return spec;
    }

    @Override
    protected ExitStatus run(List<String> args, Console console) throws Exception {
        if (!spec.acceptsArity(args.size() + 1)) {
            return usageError(console);
        }
        return exchange(request(spec.name().toUpperCase(Locale.ROOT), args), console);
    }

    /** Sends {@code request}, then prints the answer with {@link #show}; errors as one line. */
    protected ExitStatus exchange(Request request, Console console) {
        Answer answer;
        try {
            answer = connection.send(request);
        }
        catch (UnreachableException e) {
            console.error(e.getMessage());
            return Outcomes.UNREACHABLE;
        }
        if (answer.value() instanceof RespValue.Error error) {
            console.error("(error) " + error.message());
            return Outcomes.ERROR_REPLY;
        }
        show(answer, console);
        return Outcomes.OK;
    }

    protected void show(Answer answer, Console console) {
        console.println(ReplyFormatter.format(answer.value()));
    }

    protected static Request request(String name, List<String> args) {
        String[] words = new String[args.size() + 1];
        words[0] = name;
        for (int i = 0; i < args.size(); i++) {
            words[i + 1] = args.get(i);
        }
        return Request.of(words);
    }
}
