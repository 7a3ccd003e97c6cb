package kv.client.command;

import kv.client.connection.Answer;
import kv.client.connection.KvConnection;
import kv.client.render.Console;
import kv.protocol.resp.RespValue;
import org.springframework.stereotype.Component;

/** {@code DEL key [key ...]}: says how many of the keys existed. */
@Component
public class DelCommand extends RemoteCommand {

    public DelCommand(KvConnection connection) {
        super(spec("del"), connection);
    }

    @Override
    protected void show(Answer answer, Console console) {
        if (answer.value() instanceof RespValue.Integer count) {
            console.println("(integer) " + count.value());
            console.note(count.value() == 1 ? "(1 key deleted)" : "(" + count.value() + " keys deleted)");
        }
        else {
            super.show(answer, console);
        }
    }
}
