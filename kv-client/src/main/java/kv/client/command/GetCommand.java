package kv.client.command;

import kv.client.connection.Answer;
import kv.client.connection.KvConnection;
import kv.client.render.ReplyFormatter;
import kv.client.render.Console;
import kv.protocol.resp.RespValue;
import org.springframework.stereotype.Component;

/**
 * {@code GET key}: the value plainly, {@code (nil)} for a missing key, then a note saying where
 * the answer came from (the server, or the proxy's cache) and how long the round trip took.
 */
@Component
public class GetCommand extends RemoteCommand {

    public GetCommand(KvConnection connection) {
        super(spec("get"), connection);
    }

    @Override
    protected void show(Answer answer, Console console) {
        RespValue value = answer.value();
        String text = ReplyFormatter.text(value);
        console.println(text != null ? text : ReplyFormatter.format(value));
        console.note("(" + answer.source().description() + ", " + Durations.format(answer.roundTrip()) + ")");
    }
}
