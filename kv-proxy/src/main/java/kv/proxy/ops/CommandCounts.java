package kv.proxy.ops;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import kv.protocol.command.CommandSpec;
import kv.protocol.command.CommandTable;
import kv.protocol.resp.Request;
import kv.protocol.tcp.RequestBatch;
import org.springframework.stereotype.Component;

/**
 * The requests kv-proxy's clients send, by command, as {@code kv.proxy.commands{command=get}}:
 * what the dashboard's operations per second are made of. Counted as each request arrives, before
 * the cache or a backend sees it (a command the proxy refuses counts too); unknown commands are
 * not counted. One table look-up and one striped add per request.
 */
@Component
public class CommandCounts {

    private final Map<String, LongAdder> counts = new HashMap<>();

    CommandCounts(MeterRegistry meters) {
        for (CommandSpec spec : CommandTable.all()) {
            LongAdder count = new LongAdder();
            counts.put(spec.name(), count);
            FunctionCounter.builder("kv.proxy.commands", count, LongAdder::sum).tag("command", spec.name())
                    .description("Requests received from clients, by command").register(meters);
        }
    }

    /** Counts a request, or each request of a pipelined batch (anything else is not a request). */
    public void received(Object payload) {
        if (payload instanceof Request request) {
            count(request);
        }
        else if (payload instanceof RequestBatch batch) {
            List<Request> requests = batch.requests();
            for (int i = 0; i < requests.size(); i++) {
                count(requests.get(i));
            }
        }
    }

    private void count(Request request) {
        if (request.size() == 0) {
            return;
        }
        CommandSpec spec = CommandTable.lookup(request.arg(0));
        if (spec != null) {
            counts.get(spec.name()).increment();
        }
    }
}
