package kv.client.connection;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import kv.protocol.resp.RespValue;

/**
 * One reply as the shell shows it: the value (RESP3 attributes taken off), where it came from
 * and how long the round trip took.
 */
public record Answer(RespValue value, Source source, Duration roundTrip) {

    /** Takes the RESP3 attribute off {@code reply}, if it has one, and reads its {@code source}. */
    public static Answer of(RespValue reply, Duration roundTrip) {
        if (reply instanceof RespValue.Attributed attributed) {
            return new Answer(attributed.value(), Source.fromAttribute(attribute(attributed, "source")), roundTrip);
        }
        return new Answer(reply, Source.SERVER, roundTrip);
    }

    public boolean isError() {
        return value instanceof RespValue.Error;
    }

    private static String attribute(RespValue.Attributed attributed, String name) {
        List<RespValue> pairs = attributed.attributes().keysAndValues();
        for (int i = 0; i + 1 < pairs.size(); i += 2) {
            if (name.equalsIgnoreCase(text(pairs.get(i)))) {
                return text(pairs.get(i + 1));
            }
        }
        return null;
    }

    static String text(RespValue value) {
        if (value instanceof RespValue.BulkString bulk) {
            return new String(bulk.bytes(), StandardCharsets.UTF_8);
        }
        if (value instanceof RespValue.SimpleString simple) {
            return simple.value();
        }
        if (value instanceof RespValue.Verbatim verbatim) {
            return verbatim.text();
        }
        return null;
    }
}
