package kv.client.shell;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import kv.client.command.Outcomes;
import kv.client.connection.Answer;
import kv.client.connection.KvConnection;
import kv.client.connection.UnreachableException;
import kv.client.render.ReplyFormatter;
import kv.protocol.resp.Request;
import kv.protocol.resp.RespValue;
import kv.client.render.Console;
import org.springframework.shell.core.command.CommandArgument;
import org.springframework.shell.core.command.CommandContext;
import org.springframework.shell.core.command.ExitStatus;
import org.springframework.stereotype.Component;

/** A command the table does not know, sent to kv word for word; kv's answer is shown as it is. */
@Component
public class RawCommand {

    private final KvConnection connection;

    public RawCommand(KvConnection connection) {
        this.connection = connection;
    }

    public ExitStatus execute(CommandContext context) {
        Console console = Console.of(context.outputWriter());
        List<String> words = new ArrayList<>();
        words.add(context.parsedInput().commandName().toUpperCase(Locale.ROOT));
        context.parsedInput().arguments().stream().map(CommandArgument::value).forEach(words::add);
        Answer answer;
        try {
            answer = connection.send(Request.of(words.toArray(new String[0])));
        }
        catch (UnreachableException e) {
            console.error(e.getMessage());
            return Outcomes.UNREACHABLE;
        }
        if (answer.value() instanceof RespValue.Error error) {
            console.error("(error) " + error.message());
            return Outcomes.ERROR_REPLY;
        }
        console.println(ReplyFormatter.format(answer.value()));
        return Outcomes.OK;
    }
}
