package kv.client.command;

import java.util.ArrayList;
import java.util.List;

import kv.client.config.KvClientProperties;
import kv.client.connection.Answer;
import kv.client.connection.KvConnection;
import kv.client.connection.UnreachableException;
import kv.client.render.DumpTable;
import kv.client.render.ReplyFormatter;
import kv.client.render.Console;
import kv.protocol.resp.Request;
import kv.protocol.resp.RespValue;
import org.springframework.shell.core.command.ExitStatus;
import org.springframework.stereotype.Component;

/**
 * {@code DUMP [pattern] [--full]}: every stored pair as an aligned key/value table with a count.
 * Long values are cut to {@code kv.client.value-width} characters; {@code --full} shows them
 * whole. Against Redis, whose DUMP means something else, the pairs are gathered with SCAN and
 * MGET instead.
 */
@Component
public class DumpCommand extends RemoteCommand {

    private static final String FULL = "--full";
    private static final int SCAN_BATCH = 500;
    /** SCAN normally ends long before this; a bound keeps a misbehaving server from looping us. */
    private static final int MAX_SCAN_CALLS = 1_000_000;

    private final KvClientProperties properties;

    public DumpCommand(KvConnection connection, KvClientProperties properties) {
        super(spec("dump"), connection);
        this.properties = properties;
    }

    @Override
    public String getHelp() {
        return super.getHelp() + " [" + FULL + "]";
    }

    @Override
    protected ExitStatus run(List<String> args, Console console) {
        boolean full = args.contains(FULL);
        List<String> patternArgs = args.stream().filter(arg -> !arg.equals(FULL)).toList();
        if (patternArgs.size() > 1) {
            return usageError(console);
        }
        String pattern = patternArgs.isEmpty() ? null : patternArgs.get(0);
        List<DumpTable.Pair> pairs;
        try {
            pairs = connection.handshaken().isRedis() ? scanRedis(pattern) : dump(pattern);
        }
        catch (UnreachableException e) {
            console.error(e.getMessage());
            return Outcomes.UNREACHABLE;
        }
        catch (ErrorReply e) {
            console.error("(error) " + e.getMessage());
            return Outcomes.ERROR_REPLY;
        }
        show(pairs, full, console);
        return Outcomes.OK;
    }

    private void show(List<DumpTable.Pair> pairs, boolean full, Console console) {
        if (pairs.isEmpty()) {
            console.println("(empty: no keys)");
            return;
        }
        int width = full ? 0 : properties.valueWidth();
        List<String> lines = DumpTable.lines(pairs, width);
        console.println(console.bold(lines.get(0)));
        lines.subList(1, lines.size()).forEach(console::println);
        console.note("(" + pairs.size() + (pairs.size() == 1 ? " pair)" : " pairs)"));
        if (DumpTable.anyCut(pairs, width)) {
            console.note("(values longer than " + width + " characters are cut: 'dump " + FULL
                    + "' or 'get <key>' shows them whole)");
        }
    }

    private List<DumpTable.Pair> dump(String pattern) throws UnreachableException, ErrorReply {
        Request request = pattern == null ? Request.of("DUMP") : Request.of("DUMP", pattern);
        return pairs(elements(connection.send(request)));
    }

    private List<DumpTable.Pair> scanRedis(String pattern) throws UnreachableException, ErrorReply {
        List<String> keys = new ArrayList<>();
        String cursor = "0";
        for (int calls = 0; calls < MAX_SCAN_CALLS; calls++) {
            List<RespValue> reply = elements(connection.send(Request.of("SCAN", cursor, "MATCH",
                    pattern == null ? "*" : pattern, "COUNT", String.valueOf(SCAN_BATCH))));
            cursor = ReplyFormatter.text(reply.get(0));
            for (RespValue key : list(reply.get(1))) {
                keys.add(ReplyFormatter.text(key));
            }
            if ("0".equals(cursor)) {
                break;
            }
        }
        List<String> sorted = keys.stream().distinct().sorted().toList();
        List<DumpTable.Pair> pairs = new ArrayList<>(sorted.size());
        for (int from = 0; from < sorted.size(); from += SCAN_BATCH) {
            List<String> batch = sorted.subList(from, Math.min(sorted.size(), from + SCAN_BATCH));
            List<String> words = new ArrayList<>(batch.size() + 1);
            words.add("MGET");
            words.addAll(batch);
            List<RespValue> values = elements(connection.send(Request.of(words.toArray(new String[0]))));
            for (int i = 0; i < batch.size(); i++) {
                pairs.add(new DumpTable.Pair(batch.get(i), display(values.get(i))));
            }
        }
        return pairs;
    }

    private static List<RespValue> elements(Answer answer) throws ErrorReply {
        if (answer.value() instanceof RespValue.Error error) {
            throw new ErrorReply(error.message());
        }
        return list(answer.value());
    }

    private static List<RespValue> list(RespValue value) {
        if (value instanceof RespValue.Array array) {
            return array.elements();
        }
        if (value instanceof RespValue.Map map) {
            return map.keysAndValues();
        }
        if (value instanceof RespValue.Set set) {
            return set.elements();
        }
        return List.of();
    }

    private static List<DumpTable.Pair> pairs(List<RespValue> flat) {
        List<DumpTable.Pair> pairs = new ArrayList<>(flat.size() / 2);
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            pairs.add(new DumpTable.Pair(display(flat.get(i)), display(flat.get(i + 1))));
        }
        return pairs;
    }

    private static String display(RespValue value) {
        String text = ReplyFormatter.text(value);
        return text != null ? text : ReplyFormatter.format(value);
    }

    /** An error answer met in the middle of gathering pairs. */
    private static final class ErrorReply extends Exception {
        ErrorReply(String message) {
            super(message, null, false, false);
        }
    }
}
