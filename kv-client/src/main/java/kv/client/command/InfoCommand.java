package kv.client.command;

import kv.client.connection.Answer;
import kv.client.connection.KvConnection;
import kv.client.render.ReplyFormatter;
import kv.client.render.Console;
import org.springframework.stereotype.Component;

/**
 * {@code INFO [section ...]}: the server's report as text, whether it comes as a RESP2 bulk
 * string or a RESP3 verbatim string; Redis's CRLF line ends become the terminal's.
 */
@Component
public class InfoCommand extends RemoteCommand {

    public InfoCommand(KvConnection connection) {
        super(spec("info"), connection);
    }

    @Override
    protected void show(Answer answer, Console console) {
        String text = ReplyFormatter.text(answer.value());
        if (text == null) {
            super.show(answer, console);
            return;
        }
        text.lines().forEach(console::println);
    }
}
