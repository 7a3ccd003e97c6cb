package kv.client.command;

import kv.client.connection.Answer;
import kv.client.connection.KvConnection;
import kv.client.render.ReplyFormatter;
import kv.client.render.Console;
import org.springframework.stereotype.Component;

/** {@code PING [message]}: the answer and the round-trip time, a quick "is it up, how far is it". */
@Component
public class PingCommand extends RemoteCommand {

    public PingCommand(KvConnection connection) {
        super(spec("ping"), connection);
    }

    @Override
    protected void show(Answer answer, Console console) {
        console.println(ReplyFormatter.format(answer.value()));
        console.note("(" + connection.target() + ", " + Durations.format(answer.roundTrip()) + ")");
    }
}
